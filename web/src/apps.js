// Apps for the Flattr REST API v2 (issue 33): the consent page an app sends a person to
// (/oauth/authorize: what the app may do, in plain words, then back to the app with the
// answer), the developers' page (/developers: register an app, its secret shown once, delete
// it) and the account page's list of the apps a person allowed, each revocable.
import { api } from "./api.js";
import { dangerAction, el, say, sayInvalid, show } from "./dom.js";
import { formatMoney } from "./format.js";
import { signedInOr } from "./pages.js";
import { problemText } from "./problems.js";
import { scopeLines } from "./scopes.js";
import { STRINGS as S } from "./strings.js";

const ASKED = ["response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method"];

/** The authorization request's fields from the page's address. */
export function askedOf(search) {
  const params = new URLSearchParams(search);
  const asked = {};
  for (const name of ASKED) if (params.get(name)) asked[name] = params.get(name);
  return asked;
}

export async function consentPage() {
  const asked = askedOf(location.search);
  const here = `/oauth/authorize${location.search}`;
  if (!(await signedInOr(S.consentTitle, here, el("p", {}, S.consentSignIn)))) return;
  const found = await api("GET", `/v1/oauth/consent?${new URLSearchParams(asked)}`);
  if (!found.ok) {
    show(el("h1", {}, S.consentTitle), el("p", { class: "error", id: "consent-error" }, S.consentBroken), el("p", { class: "muted" }, problemText(found, S, formatMoney)));
    return;
  }
  const message = el("p", { id: "consent-message", role: "status" });
  const answer = async (approve) => {
    const decided = await api("POST", "/v1/oauth/consent", { ...asked, approve });
    if (!decided.ok) return say(message, decided, "");
    message.textContent = S.consentLeaving;
    location.assign(decided.data.redirect_to);
  };
  const app = found.data.app;
  show(
    el("h1", { id: "consent-title" }, S.consentAsks(app.name)),
    app.website ? el("p", {}, el("a", { href: app.website, rel: "noopener", id: "consent-website" }, app.website)) : "",
    el("p", {}, S.consentMay),
    el("ul", { id: "consent-scopes" }, scopeLines(found.data.scopes, S).map((line) => el("li", {}, line))),
    el("p", { class: "muted" }, S.consentNever),
    el("p", { class: "muted" }, `${S.consentBack} `, el("code", { id: "consent-redirect" }, found.data.redirect_uri)),
    el("p", {},
      el("button", { type: "button", id: "consent-allow", onclick: () => answer(true) }, S.consentAllow), " ",
      el("button", { type: "button", class: "secondary", id: "consent-deny", onclick: () => answer(false) }, S.consentDeny)),
    message,
  );
}

/** /developers: register an app, see its secret once, list and delete one's apps. */
export async function developersPage(_navigate, said = "", secretShown = null) {
  if (!(await signedInOr(S.devTitle, "/developers", el("p", {}, S.devIntro)))) return;
  const mine = (await api("GET", "/v1/apps")).data.items;
  const message = el("p", { id: "dev-message", role: "status" }, said);
  const name = el("input", { id: "app-name", maxlength: "80", required: "", "aria-describedby": "dev-message" });
  const uris = el("textarea", { id: "app-redirects", rows: "3", required: "", placeholder: "https://example.org/callback\ngpodder://flattr", "aria-describedby": "dev-message" });
  const website = el("input", { id: "app-website", type: "url", placeholder: "https://example.org/", "aria-describedby": "dev-message" });
  const isPublic = el("input", { id: "app-public", type: "checkbox" });
  const register = async (event) => {
    event.preventDefault();
    const redirects = uris.value.split(/\s+/).filter(Boolean);
    if (redirects.length === 0) return sayInvalid(message, S.problems.byField.redirect_uris);
    const made = await api("POST", "/v1/apps", {
      name: name.value.trim(), redirect_uris: redirects, public: isPublic.checked,
      ...(website.value.trim() ? { website: website.value.trim() } : {}),
    });
    if (!made.ok) return say(message, made, "");
    return developersPage(_navigate, S.devRegistered, made.data);
  };
  const remove = async (app) => {
    const done = await api("DELETE", `/v1/apps/${encodeURIComponent(app.client_id)}`);
    if (done.ok) return developersPage(_navigate, S.devDeleted);
    return say(message, done, "");
  };
  show(
    el("h1", {}, S.devTitle),
    el("p", {}, S.devIntro),
    secretShown ? el("div", { id: "dev-new-app", class: "steps" },
      el("h2", {}, secretShown.name),
      el("dl", {},
        el("dt", {}, S.devClientId), el("dd", {}, el("code", { id: "dev-client-id" }, secretShown.client_id)),
        el("dt", {}, S.devSecret), el("dd", {}, secretShown.client_secret ? el("code", { id: "dev-secret" }, secretShown.client_secret) : S.devNoSecret)),
      secretShown.client_secret ? el("p", { class: "warning" }, S.devSecretOnce) : "") : "",
    message,
    el("h2", {}, S.devYourApps),
    mine.length === 0
      ? el("p", {}, S.devNone)
      : el("ul", { id: "dev-app-list" }, mine.map((app) => el("li", {},
          el("strong", {}, app.name), " ", el("code", {}, app.client_id), ` ${app.redirect_uris.join(", ")} `,
          dangerAction({ id: `delete-app-${app.client_id}`, label: S.devDelete, explain: S.devDeleteExplained, confirmLabel: S.devDeleteConfirm, act: () => remove(app) })))),
    el("h2", {}, S.devRegisterTitle),
    el("form", { class: "stacked", onsubmit: register },
      el("label", { for: "app-name" }, S.devName), name,
      el("label", { for: "app-redirects" }, S.devRedirects), uris,
      el("label", { for: "app-website" }, S.devWebsite), website,
      el("p", {}, isPublic, " ", el("label", { for: "app-public" }, S.devPublic)),
      el("button", { type: "submit", id: "app-register" }, S.devRegister)),
    el("h2", {}, S.devHowTitle),
    el("p", {}, S.devHow),
    el("pre", {}, `${location.origin}/oauth/authorize?response_type=code&client_id=…&scope=flattr&state=…\n${location.origin}/oauth/token`),
  );
}
