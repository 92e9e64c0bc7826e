// The creator area: connections, domains, claiming and declining, earnings.
import uPlot from "uplot";
import { api, keySegment } from "./api.js";
import { chartWidth, LEGEND, monthAxis } from "./charts.js";
import { dangerAction, el, say, scrollTable, show } from "./dom.js";
import { earningsPerMonth, earningsPerRecipient, formatAmounts, sumByCurrency } from "./earnings.js";
import { formatMoney } from "./format.js";
import { platformIcon } from "./icons.js";
import { creatorSteps, stepsBox } from "./firstvisit.js";
import { publicPageSection } from "./profile.js";
import { signedInOr } from "./pages.js";
import { STRINGS as S } from "./strings.js";

/** Start connecting a platform: the API answers the consent page's address (and sets the
 * cookie that binds the flow to this browser); the platform sends the person back here. */
export async function startConnect(platform, returnTo, server = "") {
  const query = new URLSearchParams({ return_to: returnTo, ...(server ? { instance: server } : {}) });
  const answer = await api("GET", `/v1/connections/${platform}/authorize?${query}`, undefined, {
    Accept: "application/json",
  });
  if (answer.ok) location.assign(answer.data.authorize_url);
  return answer;
}

function status(id) {
  return el("p", { id, role: "status" });
}

/** What the API says of ``keys`` now: the money waiting for them, and whether every one is
 * claimed already (``GET /v1/recipients/{key}``, read from escrow at this moment). */
async function standing(keys) {
  const pages = await Promise.all(keys.map((key) => {
    return api("GET", `/v1/recipients/${keySegment(key)}`);
  }));
  const found = pages.filter((page) => page.ok).map((page) => page.data);
  // What waits, per currency (never added across currencies): "CHF 1.80 and $2.25".
  const waiting = formatAmounts(sumByCurrency(found.flatMap((page) => page.waiting_by_currency || (page.waiting ? [page.waiting] : []))));
  return { waiting, claimed: found.length > 0 && found.every((page) => page.recipient.claimed) };
}

/** Claim and decline buttons for recipient keys the person has proven, said as they stand
 * now: what waits (claim it), nothing yet (claim it: later flattrs come straight), or
 * already theirs (no button). What worked is said by ``onDone(note)``, which draws the page
 * again from the API with the note on top (so no figure or button stays from before the
 * money moved); what failed, beside them. */
export function recipientActions(keys, id, onDone) {
  const message = status(`${id}-message`);
  const state = el("p", { id: `${id}-waits`, class: "muted" }, S.loading);
  const claim = async () => {
    const moved = [];
    let answer = { ok: true };
    for (const recipient of keys) {
      answer = await api("POST", "/v1/claims", { recipient });
      if (!answer.ok) break;
      moved.push(...(answer.data.moved_by_currency || [answer.data.moved]));
    }
    if (answer.ok) onDone(`${S.claimedMoved} ${formatAmounts(sumByCurrency(moved)) || formatMoney(answer.data.moved)}`);
    else say(message, answer, "");
  };
  const claimButton = el("button", { type: "button", id: `${id}-claim`, onclick: claim, hidden: "" }, S.claimButton);
  const confirm = el("button", { type: "button", class: "danger", id: `${id}-decline-confirm`, hidden: "" }, S.declineConfirm);
  confirm.addEventListener("click", async () => {
    let answer = { ok: true };
    for (const recipient of keys) {
      answer = await api("POST", "/v1/declines", { recipient });
      if (!answer.ok) break;
    }
    confirm.hidden = true;
    if (answer.ok) onDone(S.declined);
    else say(message, answer, "");
  });
  const decline = el("button", { type: "button", class: "danger secondary", id: `${id}-decline`, hidden: "", onclick: () => {
    message.textContent = S.declineExplained;
    confirm.hidden = false;
    confirm.focus();
  } }, S.declineButton);
  standing(keys).then(({ waiting, claimed }) => {
    if (claimed && !waiting) {
      state.textContent = S.alreadyYours;
      return;
    }
    state.textContent = waiting ? `${waiting} ${S.waitsForYou}` : S.nothingWaitsYet;
    claimButton.textContent = waiting ? `${S.claimButton} (${waiting})` : S.claimNothingYet;
    claimButton.hidden = false;
    decline.hidden = false;
  });
  return el("div", {}, state, el("div", { class: "actions" }, claimButton, decline, confirm), message);
}

function connectedRow(platform, connection, reload) {
  // ``reload(note)`` draws the page again; a note says what just happened.
  const id = `connection-${platform.name}`;
  const message = status(`${id}-status`);
  const toggle = el("input", { type: "checkbox", id: `${id}-auto`, ...(connection.auto_flattr ? { checked: "" } : {}) });
  toggle.addEventListener("change", async () => {
    const answer = await api("PATCH", `/v1/connections/${platform.name}`, { auto_flattr: toggle.checked });
    say(message, answer, S.saved);
  });
  const disconnect = async () => {
    const answer = await api("DELETE", `/v1/connections/${platform.name}`);
    if (answer.ok) reload();
    else say(message, answer, "");
  };
  const reauth = connection.state === "needs_reauth";
  return el(
    "li",
    { id },
    el("strong", {}, platformIcon(platform.name), " ", platform.display_name), ` ${S.as} ${connection.handle || "?"} `,
    reauth ? el("span", { class: "error" }, S.needsReauth) : "",
    reauth ? el("button", { type: "button", onclick: () => startConnect(platform.name, "/creator") }, S.reconnect) : "",
    el("div", {}, toggle, " ", el("label", { for: `${id}-auto` }, S.autoFlattr)),
    dangerAction({ id: `${id}-disconnect`, label: S.disconnect, explain: S.disconnectExplained, confirmLabel: S.disconnectConfirm, act: disconnect }),
    message,
    recipientActions(connection.recipients, id, reload),
  );
}

function connectRow(platform) {
  const id = `connect-${platform.name}`;
  const message = status(`${id}-message`);
  const server = platform.asks_server
    ? el("input", { id: `${id}-server`, placeholder: platform.default_server || "mastodon.social", autocomplete: "off", "aria-describedby": `${id}-message` })
    : null;
  const connect = async (event) => {
    event.preventDefault();
    const answer = await startConnect(platform.name, "/creator", server ? server.value.trim() : "");
    if (!answer.ok) say(message, answer, "");
  };
  return el(
    "li",
    { id },
    el(
      "form",
      { onsubmit: connect },
      server ? el("label", { for: server.id }, `${S.server} `) : "",
      server,
      el("button", { type: "submit", class: "secondary" }, platformIcon(platform.name), `${S.connect} ${platform.display_name}`),
      message,
    ),
  );
}

async function connectionsSection(reload) {
  const answer = await api("GET", "/v1/connections");
  const mine = new Map(answer.data.items.map((c) => [c.platform, c]));
  return el(
    "section",
    { id: "connections", "aria-labelledby": "connections-title" },
    el("h2", { id: "connections-title" }, S.connectionsTitle),
    el("p", {}, S.connectionsText),
    mine.size
      ? el("ul", { class: "plain", id: "connected-list" }, answer.data.platforms
          .filter((platform) => mine.has(platform.name))
          .map((platform) => connectedRow(platform, mine.get(platform.name), reload)))
      : el("p", { class: "empty" }, S.noConnections),
    el("h3", {}, mine.size ? S.connectAnother : S.connectFirst),
    el("ul", { class: "platforms" }, answer.data.platforms
      .filter((platform) => !mine.has(platform.name))
      .map((platform) => connectRow(platform))),
  );
}

/** Copies ``text`` (or, if it changes, the button's ``data-text``) to the clipboard. */
export function copyButton(text, label, id) {
  const button = el("button", { type: "button", class: "secondary", id, "data-text": text }, label);
  button.addEventListener("click", async () => {
    await navigator.clipboard.writeText(button.dataset.text);
    button.textContent = S.copied;
  });
  return button;
}

/** A domain being proven (or proven): what to publish, with copy buttons, and verify.
 * ``onDone(note)`` draws the page again once verifying (which moves what waited) worked. */
export function domainCard(domain, onDone) {
  const id = `domain-${domain.domain.replaceAll(".", "-")}`;
  const message = status(`${id}-status`);
  const reload = onDone;
  const verify = async () => {
    const answer = await api("POST", `/v1/domains/${encodeURIComponent(domain.domain)}/verify`);
    if (answer.ok) onDone(`${S.verifiedNow} ${S.claimedMoved} ${formatMoney(answer.data.moved)}`);
    else say(message, answer, "");
  };
  const body = domain.verified
    ? [el("p", {}, S.verified), message, recipientActions([`web:${domain.domain}`], id, reload)]
    : [
        el("p", {}, S.domainHow),
        el("dl", {},
          el("dt", {}, S.txtName), el("dd", {}, el("code", { id: `${id}-txt-name` }, domain.dns.name), " ", copyButton(domain.dns.name, S.copy, `${id}-copy-name`)),
          el("dt", {}, S.txtValue), el("dd", {}, el("code", { id: `${id}-txt` }, domain.dns.value), " ", copyButton(domain.dns.value, S.copy, `${id}-copy-txt`)),
          el("dt", {}, S.orMeta), el("dd", {}, el("code", { id: `${id}-meta` }, domain.meta), " ", copyButton(domain.meta, S.copy, `${id}-copy-meta`)),
        ),
        el("button", { type: "button", id: `${id}-verify`, onclick: verify }, S.verify),
        message,
      ];
  const card = el("li", { id }, el("h3", {}, domain.domain), ...body);
  return card;
}

async function domainsSection(reload) {
  const answer = await api("GET", "/v1/domains");
  const input = el("input", { id: "domain", name: "domain", autocomplete: "off", placeholder: "example.org", "aria-describedby": "domain-message" });
  const message = status("domain-message");
  const add = async (event) => {
    event.preventDefault();
    const added = await api("POST", "/v1/domains", { domain: input.value.trim() });
    if (added.ok) reload();
    else say(message, added, "");
  };
  return el(
    "section",
    { id: "domains", "aria-labelledby": "domains-title" },
    el("h2", { id: "domains-title" }, S.domainsTitle),
    el("form", { onsubmit: add }, el("label", { for: "domain" }, `${S.domain} `), input, " ", el("button", { type: "submit" }, S.addDomain), message),
    el("ul", { class: "plain" }, answer.data.items.map((d) => domainCard(d, reload))),
  );
}

/** Proving an email address: pages may name one as their receiver (flattr:id with
 * mailto:). A single-use link is sent to it; opening it while signed in proves it. */
export function addressForm(prefix = "email") {
  const input = el("input", { id: `${prefix}-address`, name: "address", type: "email", autocomplete: "email", placeholder: "me@example.org", "aria-describedby": `${prefix}-message` });
  const message = status(`${prefix}-message`);
  const send = async (event) => {
    event.preventDefault();
    const answer = await api("POST", "/v1/emails", { address: input.value.trim() });
    if (answer.ok) message.textContent = S.linkSent;
    else say(message, answer, "");
  };
  return el("form", { onsubmit: send }, el("label", { for: `${prefix}-address` }, `${S.emailAddress} `), input, " ", el("button", { type: "submit", id: `${prefix}-send` }, S.sendLink), message);
}

async function emailsSection(reload) {
  const answer = await api("GET", "/v1/emails");
  return el(
    "section",
    { id: "emails", "aria-labelledby": "emails-title" },
    el("h2", { id: "emails-title" }, S.emailsTitle),
    el("p", {}, S.emailsText),
    addressForm(),
    el("ul", { class: "plain" }, answer.data.items.map((item, i) =>
      el("li", { id: `email-${i}` }, el("h3", {}, item.recipient.display_name), el("p", {}, S.addressProven), recipientActions([item.recipient.key], `email-${i}`, reload)))),
  );
}

/** Where the link sent to an address leads: signed in, it proves the address. */
export async function emailProofPage() {
  const token = new URL(location.href).searchParams.get("token") || "";
  const here = `/creator/email?token=${encodeURIComponent(token)}`;
  if (!(await signedInOr(S.emailProofTitle, here, el("p", {}, S.emailProofSignIn)))) return;
  const answer = await api("POST", "/v1/emails/verify", { token });
  if (!answer.ok) {
    show(el("h1", {}, S.emailProofTitle), el("p", { role: "alert", id: "email-proof", class: "error" }, S.emailProofFailed));
    return;
  }
  show(
    el("h1", {}, S.emailProofTitle),
    el("p", { role: "status", id: "email-proof" }, `${S.addressProven} ${S.claimedMoved} ${formatMoney(answer.data.moved)}`),
    el("p", {}, el("a", { href: "/creator" }, S.creatorTitle)),
  );
}

const BARS = ["#0b5cad", "#a05a00", "#2e7d32", "#8e24aa", "#c62828"];

/** One bar chart a currency: amounts of different currencies are never added, nor drawn
 * on one scale. */
function earningsChart(revenue) {
  const { labels, series } = earningsPerMonth(revenue);
  const width = chartWidth();
  const charts = series.map(({ currency, totals }, i) => {
    const figure = el("figure", {}, el("figcaption", {}, S.earningsPerMonth(currency)));
    new uPlot(
      {
        width,
        height: 200,
        legend: LEGEND,
        scales: { x: { time: false, range: (_, min, max) => [min - 0.5, max + 0.5] } },
        series: [{ label: S.month, value: (_, j) => labels[j] ?? "" },
          { label: currency, stroke: BARS[i % BARS.length], fill: `${BARS[i % BARS.length]}4d`, paths: uPlot.paths.bars({ size: [0.6, 60] }) }],
        axes: [monthAxis(labels, width), {}],
      },
      [labels.map((_, j) => j), totals],
      figure,
    );
    return figure;
  });
  return el("div", { id: "earnings-chart" }, charts);
}

async function earningsSection() {
  const [balance, revenue] = await Promise.all([api("GET", "/v1/me/balance"), api("GET", "/v1/me/revenue")]);
  const rows = earningsPerRecipient(revenue.data);
  return el(
    "section",
    { id: "earnings", "aria-labelledby": "earnings-title" },
    el("h2", { id: "earnings-title" }, S.earningsTitle),
    // Earnings in each currency they came in, apart (my own first); Stripe converts them to
    // the payout account's currency when they are withdrawn.
    el("dl", {}, el("dt", {}, S.earnings), el("dd", { id: "earnings-total", class: "figure" }, formatAmounts(sumByCurrency(balance.data.earnings_by_currency || [balance.data.earnings])) || formatMoney(balance.data.earnings))),
    rows.length === 0
      ? el("p", {}, S.noEarnings)
      : [
          earningsChart(revenue.data),
          scrollTable({ id: "earnings-items" },
            el("thead", {}, el("tr", {}, el("th", {}, S.receiver), el("th", {}, S.flattrs), el("th", {}, S.supporters), el("th", {}, S.amount))),
            el("tbody", {}, rows.map((row) => el("tr", {}, el("td", {}, platformIcon(row.recipient.split(":")[0]), " ", row.name), el("td", {}, row.flattrs), el("td", {}, row.supporters), el("td", {}, formatMoney(row.amount))))),
          ),
        ],
  );
}

/** The creator page; ``note`` says what was just done (a claim, a decline). */
export async function creatorPage(_navigate, note = "") {
  if (!(await signedInOr(S.creatorTitle, "/creator", el("p", {}, S.creatorIntro)))) return;
  const reload = (said = "") => creatorPage(_navigate, typeof said === "string" ? said : "");
  const notice = new URL(location.href).searchParams;
  const [connections, domains, addresses, earnings, me, state] = await Promise.all([
    connectionsSection(reload),
    domainsSection(reload),
    emailsSection(reload),
    earningsSection(),
    api("GET", "/v1/me"),
    Promise.all(["/v1/connections", "/v1/domains", "/v1/payouts/account"].map((path) => api("GET", path))),
  ]);
  const [mine, proven, payout] = state.map((answer) => answer.data);
  const steps = creatorSteps({ connections: mine, domains: proven, payout, me: me.data }, S);
  show(
    el("h1", {}, S.creatorTitle),
    stepsBox("creator-start", S.creatorStartTitle, steps, S),
    note ? el("p", { role: "status", id: "creator-note" }, note) : "",
    notice.get("connected") ? el("p", { role: "status", id: "connected" }, `${S.connectedNow} ${notice.get("connected")}`) : "",
    notice.get("connect_error") ? el("p", { role: "alert", class: "error" }, S.connectRefused) : "",
    el("p", {}, S.creatorIntro),
    connections,
    domains,
    addresses,
    publicPageSection(me.data, reload),
    earnings,
  );
}
