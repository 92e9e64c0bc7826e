// The site's claim page, where a claim link leads: what waits (public), then sign in,
// prove ownership (connect the account, or verify the domain), claim or decline.
import { api } from "./api.js";
import { accessToken, signIn } from "./auth.js";
import { addressForm, domainCard, recipientActions, startConnect } from "./creator.js";
import { el, say, show } from "./dom.js";
import { formatDate, formatMoney } from "./format.js";
import { STRINGS as S } from "./strings.js";

function whatWaits(view) {
  // Claimed or refused since the link was sent: said, with no amount or button left over.
  if (view.recipient.claimed) return [el("h1", {}, `${view.recipient.display_name} ${S.claimLinkClaimed}`), el("p", { id: "claim-done" }, S.alreadyClaimed)];
  if (view.declined) return [el("h1", {}, `${view.recipient.display_name} ${S.claimLinkDeclined}`), el("p", { id: "claim-done" }, S.claimLinkDeclinedText)];
  return [
    el("h1", {}, `${S.waitsFor} ${view.recipient.display_name}`),
    el("p", { class: "figure", id: "claim-amount" }, formatMoney(view.amount)),
    el("p", {}, `${S.from} `, el("span", { id: "claim-supporters" }, view.supporters), ` ${S.supportersLower}, ${view.flattrs} ${S.flattrsLower}.`),
    view.expires_at ? el("p", {}, `${S.heldUntil} ${formatDate(view.expires_at)}.`) : "",
    view.top_items.length ? el("ol", {}, view.top_items.map((item) => el("li", {}, `${item.url} (${item.flattrs})`))) : "",
  ];
}

async function proofStep(view, here, redraw) {
  const key = view.recipient.key;
  if (view.recipient.platform === "web") {
    const domain = key.slice(4);
    let found = (await api("GET", "/v1/domains")).data.items.find((d) => d.domain === domain);
    if (!found) found = (await api("POST", "/v1/domains", { domain })).data;
    return domainCard(found, redraw);
  }
  if (view.recipient.platform === "email") {
    const proven = (await api("GET", "/v1/emails")).data.items.some((item) => item.recipient.key === key);
    if (proven) return recipientActions([key], "waiting", redraw);
    return el("div", {}, el("p", {}, S.proveAddress), addressForm("claim"));
  }
  const connections = (await api("GET", "/v1/connections")).data;
  const proven = connections.items.some((c) => c.recipients.includes(key));
  if (proven) return recipientActions([key], "waiting", redraw);
  const platform = connections.platforms.find((p) => p.name === view.recipient.platform);
  const message = el("p", { role: "status", id: "connect-message" });
  const connect = async () => {
    const answer = await startConnect(platform.name, here);
    if (!answer.ok) say(message, answer, "");
  };
  return el(
    "div",
    {},
    el("p", {}, `${S.proveBy} ${platform.display_name} (${view.recipient.display_name}).`),
    el("button", { type: "button", id: "connect", onclick: connect }, `${S.connect} ${platform.display_name}`),
    message,
  );
}

/** The claim link's page; ``note`` says what was just done (drawn again after it). */
export async function claimPage(_navigate, note = "") {
  const token = new URL(location.href).searchParams.get("token") || "";
  const here = `/creator/claim?token=${encodeURIComponent(token)}`;
  const answer = await api("GET", `/v1/claims/${encodeURIComponent(token)}`);
  if (!answer.ok) {
    show(el("h1", {}, S.claimMissing), el("p", {}, S.claimMissingText));
    return;
  }
  const view = answer.data;
  const parts = [note ? el("p", { role: "status", id: "claim-note" }, note) : "", ...whatWaits(view)];
  if (view.recipient.claimed || view.declined) {
    show(...parts);
  } else if (!(await accessToken())) {
    show(...parts, el("p", {}, S.claimSignIn), el("button", { type: "button", id: "sign-in", onclick: () => signIn(here) }, S.signIn));
  } else {
    show(...parts, el("h2", {}, S.claimTitle), await proofStep(view, here, (said) => claimPage(_navigate, said)));
  }
}
