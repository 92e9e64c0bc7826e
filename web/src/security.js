// Two-step sign-in (an authenticator app's codes), on the account page: money leaves an
// account only with it on, within ten minutes of signing in with a code.
import { api } from "./api.js";
import { formatDate } from "./format.js";
import { signIn } from "./auth.js";
import { dangerAction, el, say } from "./dom.js";
import { qrImage } from "./qr.js";
import { scopeLines } from "./scopes.js";
import { STRINGS as S } from "./strings.js";

function time(iso) {
  return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

/** A button that signs in again (with the app's code) and comes back to ``returnTo``. */
export function signInAgain(returnTo) {
  return el("button", { type: "button", id: "sign-in-again", onclick: () => signIn(returnTo, { fresh: true }) }, S.signInAgain);
}

function setUp(box, heading, redraw) {
  const message = el("p", { id: "totp-message", role: "status" });
  const start = async () => {
    const answer = await api("POST", "/v1/me/totp");
    if (!answer.ok) return say(message, answer, "");
    const code = el("input", { id: "totp-code", inputmode: "numeric", autocomplete: "one-time-code", pattern: "[0-9]{6}", maxlength: "6", required: "", "aria-describedby": "totp-confirm-message" });
    const confirm = async (event) => {
      event.preventDefault();
      const done = await api("POST", "/v1/me/totp/verify", { code: code.value.trim() });
      if (done.ok) redraw(S.totpOnNow);
      else say(confirmMessage, done, "");
    };
    const confirmMessage = el("p", { id: "totp-confirm-message", role: "status" });
    box.replaceChildren(
      ...heading,
      el("p", {}, S.totpScan),
      el("p", { id: "totp-qr" }, qrImage(answer.data.otpauth_uri, S.totpQrLabel)),
      el("p", {}, S.totpOrType, " ", el("code", { id: "totp-secret" }, answer.data.secret.replace(/(.{4})/g, "$1 ").trim())),
      el("p", {}, el("a", { href: answer.data.otpauth_uri }, S.totpOpenApp)),
      el("form", { onsubmit: confirm },
        el("label", { for: "totp-code" }, `${S.totpCode} `), code, " ",
        el("button", { type: "submit" }, S.totpConfirm), confirmMessage),
    );
    code.focus();
  };
  return [el("p", {}, S.totpOff), el("button", { type: "button", id: "totp-start", onclick: start }, S.totpStart), message];
}

/** The account page's section; ``note`` says what just happened. */
export async function securitySection(note = "") {
  const box = el("section", { id: "security", "aria-labelledby": "security-title" });
  const draw = async (said) => {
    const state = (await api("GET", "/v1/me/security")).data;
    const message = el("p", { id: "totp-off-message", role: "status" }, said);
    const turnOff = async () => {
      const answer = await api("DELETE", "/v1/me/totp");
      if (answer.ok) draw(S.totpOffNow);
      else say(message, answer, "");
    };
    const heading = [el("h2", { id: "security-title" }, S.securityTitle), el("p", {}, S.securityText)];
    box.replaceChildren(
      ...heading,
      ...(state.totp
        ? [
            el("p", { id: "totp-state" }, `${S.totpOnSince} ${formatDate(state.totp_since)}.`),
            state.strong_until
              ? el("p", { id: "strong-until" }, `${S.strongUntil} ${time(state.strong_until)}.`)
              : el("p", {}, S.notStrong, " ", signInAgain("/account")),
            dangerAction({ id: "totp-off", label: S.totpTurnOff, explain: S.totpOffExplained, confirmLabel: S.totpOffConfirm, act: turnOff }),
            message,
          ]
        : [...setUp(box, heading, draw), said ? message : ""]),
    );
  };
  await draw(note);
  return box;
}

/** The browser extensions signed in with a device token, each with a revoke button. */
export async function devicesSection() {
  const box = el("section", { id: "devices", "aria-labelledby": "devices-title" });
  const draw = async (said = "") => {
    const items = (await api("GET", "/v1/me/devices")).data.items;
    const message = el("p", { id: "devices-message", role: "status" }, said);
    const revoke = async (device) => {
      const answer = await api("DELETE", `/v1/me/devices/${encodeURIComponent(device.id)}`);
      if (answer.ok) draw(S.devicesRevoked);
      else say(message, answer, "");
    };
    box.replaceChildren(
      el("h2", { id: "devices-title" }, S.devicesTitle),
      items.length === 0
        ? el("p", {}, S.devicesNone)
        : el("ul", { id: "device-list" }, items.map((device) => el("li", {},
            `${device.name}, ${device.last_used_at ? `${S.devicesLastUsed} ${formatDate(device.last_used_at)}` : S.devicesNever} `,
            dangerAction({ id: `revoke-${device.id}`, label: S.devicesRevoke, explain: S.devicesRevokeExplained, confirmLabel: S.devicesRevokeConfirm, act: () => revoke(device) })))),
      message,
    );
  };
  await draw();
  return box;
}

/** The account page's section: the apps this person allowed. */
export async function allowedAppsSection() {
  const box = el("section", { id: "allowed-apps", "aria-labelledby": "allowed-apps-title" });
  const draw = async (said = "") => {
    const items = (await api("GET", "/v1/me/apps")).data.items;
    const message = el("p", { id: "allowed-apps-message", role: "status" }, said);
    const revoke = async (app) => {
      const done = await api("DELETE", `/v1/me/apps/${encodeURIComponent(app.client_id)}`);
      if (done.ok) draw(S.appsRevoked);
      else say(message, done, "");
    };
    box.replaceChildren(
      el("h2", { id: "allowed-apps-title" }, S.appsAllowedTitle),
      items.length === 0
        ? el("p", {}, S.appsAllowedNone)
        : el("ul", { id: "allowed-app-list" }, items.map((app) => el("li", {},
            el("strong", {}, app.name || S.appsGone), ` ${S.appsMay} ${scopeLines(app.scopes, S).join("; ").toLowerCase()}. `,
            `${app.last_used_at ? `${S.appsLastUsed} ${formatDate(app.last_used_at)}` : S.appsNotUsed}. `,
            dangerAction({ id: `forbid-${app.client_id}`, label: S.appsRevoke, explain: S.appsRevokeExplained, confirmLabel: S.appsRevokeConfirm, act: () => revoke(app) })))),
      message,
    );
  };
  await draw();
  return box;
}
