// Public pages: the catalogue of unclaimed receivers, a receiver's page, the stats, the
// flattr button's page (/flattr?url=) and the page for site owners (/button).
import uPlot from "uplot";
import { api, keySegment } from "./api.js";
import { giveMonthly } from "./pledges.js";
import { accessToken, signIn } from "./auth.js";
import { copyButton } from "./creator.js";
import { chartWidth, LEGEND, monthAxis, monthLabel, WHOLE } from "./charts.js";
import { el, say, scrollTable, show } from "./dom.js";
import { formatDate, formatMoney } from "./format.js";
import { problemText } from "./problems.js";
import { notFlattrableText, receiverState } from "./receiver.js";
import { buttonSnippet, statsSeries } from "./statsdata.js";
import { STRINGS as S } from "./strings.js";

const receiverLink = (recipient) =>
  el("a", { href: `/receiver?key=${encodeURIComponent(recipient.key)}` }, recipient.display_name);

function catalogueTable(items) {
  if (items.length === 0) return el("p", { id: "catalogue-empty" }, S.catalogueEmpty);
  return scrollTable(
    { id: "catalogue-items" },
    el("thead", {}, el("tr", {}, el("th", {}, S.receiver), el("th", {}, S.platform), el("th", {}, S.supporters), el("th", {}, S.waitingAmount))),
    el("tbody", {}, items.map((item) =>
      el("tr", {}, el("td", {}, receiverLink(item.recipient)), el("td", {}, S.platformNames[item.recipient.platform] || item.recipient.platform), el("td", {}, item.supporters), el("td", {}, formatMoney(item.amount))),
    )),
  );
}

export async function cataloguePage() {
  const params = new URL(location.href).searchParams;
  const q = params.get("q") || "";
  const sort = params.get("sort") === "trending" ? "trending" : "top";
  const answer = await api("GET", `/v1/unclaimed?${new URLSearchParams({ q, sort })}`);
  const sortSelect = el("select", { id: "sort", name: "sort" },
    ["top", "trending"].map((value) => el("option", value === sort ? { value, selected: "" } : { value }, S[`sort_${value}`])));
  show(
    el("h1", {}, S.catalogueTitle),
    el("p", {}, S.catalogueIntro),
    el("form", { method: "get", action: "/catalogue", role: "search" },
      el("label", { for: "q" }, `${S.search} `), el("input", { id: "q", name: "q", type: "search", value: q }), " ",
      el("label", { for: "sort" }, `${S.sortBy} `), sortSelect, " ",
      el("button", { type: "submit" }, S.search)),
    catalogueTable(answer.ok ? answer.data.items : []),
  );
}

export async function receiverPage() {
  const key = new URL(location.href).searchParams.get("key") || "";
  const segment = keySegment(key);
  const answer = await api("GET", `/v1/recipients/${segment}`);
  if (!answer.ok) {
    show(el("h1", {}, S.receiverMissing), el("p", { class: "error" }, problemText(answer, S, formatMoney)));
    return;
  }
  const found = answer.data;
  const state = found.declined ? S.stateDeclined : found.recipient.claimed ? S.stateClaimed : S.stateUnclaimed;
  show(
    el("h1", {}, found.avatar ? el("img", { src: found.avatar, alt: "", width: 40, height: 40, id: "receiver-avatar", class: "avatar" }) : "", found.recipient.display_name),
    el("p", {}, `${S.onPlatform} ${S.platformNames[found.recipient.platform] || found.recipient.platform}. `, el("strong", { id: "receiver-state" }, state)),
    found.waiting
      ? el("p", { id: "receiver-waiting", class: "figure" }, S.waitsFrom(formatMoney(found.waiting), found.supporters))
      : "",
    found.waiting && found.expires_at
      ? el("p", { id: "receiver-until" }, `${S.heldUntil} ${formatDate(found.expires_at)}; ${S.receiverAfter}`)
      : "",
    found.declined ? "" : el("h2", {}, S.howToFlattr),
    found.declined ? "" : el("p", {}, S.howToFlattrText),
    found.home && !found.declined
      ? el("p", {}, el("a", { class: "button", id: "flattr-home", href: `/flattr?url=${encodeURIComponent(found.home)}` }, `${S.flattrThis} ${found.home}`))
      : "",
    ...(found.recipient.claimed || found.declined
      ? []
      : [el("h2", {}, S.receiverClaimTitle),
          el("p", {}, `${S.receiverClaimHint} `, el("a", { href: "/creator", id: "claim-it" }, S.receiverClaimLink), S.receiverClaimThen)]),
    found.declined
      ? ""
      : el("p", {}, el("img", { src: `/v1/recipients/${segment}/badge.svg`, alt: `${S.badgeOf} ${found.recipient.display_name}`, id: "receiver-badge" })),
    found.declined ? "" : await giveMonthly(key, found.recipient.display_name, location.pathname + location.search),
  );
}

function statsChart(series, currency) {
  const figure = el("figure", { id: "stats-chart" }, el("figcaption", {}, S.statsChart(currency)));
  const width = chartWidth();
  new uPlot(
    {
      width,
      height: 240,
      legend: LEGEND,
      scales: { x: { time: false, range: (_, min, max) => [min - 0.5, max + 0.5] }, money: {} },
      series: [
        { label: S.month, value: (_, i) => series.months[i] ?? "" },
        { label: S.flattrs, stroke: "#0b5cad", width: 2 },
        { label: S.moneySplitIn(currency), stroke: "#a05a00", width: 2, dash: [6, 4], scale: "money" },
      ],
      axes: [
        monthAxis(series.months, width, { axesPx: 120 }), // a y axis on each side
        { incrs: WHOLE },
        { scale: "money", side: 1, grid: { show: false } },
      ],
    },
    [series.x, series.flattrs, series.money],
    figure,
  );
  return figure;
}

export async function statsPage() {
  const answer = await api("GET", "/v1/stats");
  const items = answer.ok ? answer.data.items : [];
  const series = statsSeries({ items });
  show(
    el("h1", {}, S.statsTitle),
    el("p", {}, S.statsIntro),
    // The chart draws the figures' own currency (each month's money_split says it).
    items.length === 0 ? el("p", { id: "stats-empty" }, S.statsEmpty) : statsChart(series, items[0].money_split.currency),
    items.length === 0
      ? ""
      : scrollTable({ id: "stats-items" },
          el("thead", {}, el("tr", {}, el("th", {}, S.month), el("th", {}, S.flattrs), el("th", {}, S.contributors), el("th", {}, S.moneySplit), el("th", {}, S.shareClaimed), el("th", {}, S.creatorsPaid))),
          el("tbody", {}, items.map((m, i) => el("tr", {},
            el("td", {}, monthLabel(m.month)), el("td", {}, m.flattrs), el("td", {}, m.contributors), el("td", {}, formatMoney(m.money_split)),
            el("td", {}, `${series.sharePercent[i]} %`), el("td", {}, m.creators_paid))))),
  );
}

async function flattrIt(url, message) {
  const answer = await api("POST", "/v1/flattrs", { event_id: crypto.randomUUID(), url });
  say(message, answer, S.flattred);
}

export async function flattrPage() {
  const url = new URL(location.href).searchParams.get("url") || "";
  const here = `/flattr?url=${encodeURIComponent(url)}`;
  const resolved = await api("GET", `/v1/resolve?url=${encodeURIComponent(url)}`);
  if (!resolved.ok) {
    show(el("h1", {}, S.flattrTitle), el("p", { class: "error", id: "flattr-message" }, problemText(resolved, S, formatMoney)));
    return;
  }
  const page = resolved.data;
  const message = el("p", { id: "flattr-message", role: "status" });
  const state = receiverState(page);
  let who = "";
  if (state === "pending") who = el("p", { id: "flattr-receiver" }, `${S.receivedBy} ${S.receiverPending}.`);
  else if (state !== "none") {
    who = el("p", { id: "flattr-receiver" }, `${S.receivedBy} `, receiverLink(page.recipient), ` (${state === "claimed" ? S.claimed : S.waiting})`);
  }
  let action;
  if (!page.flattrable) action = el("p", { class: "error", id: "not-flattrable" }, notFlattrableText(page.reason, S));
  else if (await accessToken()) action = el("button", { type: "button", id: "flattr", onclick: () => flattrIt(page.url, message) }, S.flattrButton);
  else action = el("button", { type: "button", id: "sign-in", onclick: () => signIn(here) }, S.signInToFlattr);
  const monthly = page.flattrable && state !== "pending" && page.recipient ? await giveMonthly(page.recipient.key, page.recipient.display_name, here) : "";
  show(el("h1", {}, S.flattrTitle), el("p", {}, el("code", { id: "flattr-url" }, page.url)), who, action, message, monthly);
}

export function buttonPage() {
  const input = el("input", { id: "button-url", type: "url", placeholder: "https://example.org/", autocomplete: "off" });
  const code = el("code", { id: "button-snippet" });
  const preview = el("p", { id: "button-preview" });
  const copy = copyButton("", S.copy, "button-copy");
  const update = () => {
    const snippet = buttonSnippet(location.origin, input.value.trim() || "https://example.org/");
    code.textContent = snippet;
    copy.dataset.text = snippet;
    preview.replaceChildren(el("img", { src: "/button.svg", alt: S.flattrThisAlt, width: "92", height: "24" }));
  };
  input.addEventListener("input", update);
  update();
  show(
    el("h1", {}, S.buttonTitle),
    el("p", {}, S.buttonIntro),
    el("label", { for: "button-url" }, `${S.buttonUrl} `), input,
    el("h2", {}, S.buttonSnippetTitle), el("pre", {}, code), copy, preview,
    el("h2", {}, S.metaTitle),
    el("p", {}, S.metaText),
    el("pre", {}, el("code", {}, '<meta name="flattr:id" content="…">')),
    el("p", {}, S.metaVerify, " ", el("a", { href: "/creator" }, S.creatorTitle), "."),
  );
}
