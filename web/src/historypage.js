// The history page: a month's statement, where the money went, flattrs per day (uPlot).
import uPlot from "uplot";
import { api } from "./api.js";
import { chartWidth, LEGEND, monthAxis, WHOLE } from "./charts.js";
import { el, scrollTable, show } from "./dom.js";
import { formatMoney, formatMonth } from "./format.js";
import { flattrsPerDay, moneyPerMonthStacked, monthsUpTo, partState, whereMoneyWent } from "./history.js";

// The words for what became of a statement's part (``partState``).
const PART_STATE = { claimed: "claimed", claimedSince: "claimedSince", declinedSince: "declinedSince", expiredSince: "expiredSince", waiting: "waiting" };
import { signedInOr } from "./pages.js";
import { STRINGS as S } from "./strings.js";

async function allFlattrs(month) {
  const items = [];
  let cursor = null;
  do {
    const query = new URLSearchParams({ month, limit: "100", ...(cursor ? { cursor } : {}) });
    const answer = await api("GET", `/v1/flattrs?${query}`);
    items.push(...answer.data.items);
    cursor = answer.data.cursor;
  } while (cursor);
  return items;
}

function statementTable(statement) {
  // A statement is in one currency: the contributor's when it was split.
  const inIts = (amount) => formatMoney({ amount, currency: statement.charge.currency });
  const went = whereMoneyWent(statement);
  return [
    el("h2", {}, `${S.statementTitle}: ${formatMonth(statement.month)}`),
    el(
      "dl",
      { id: "statement" },
      el("dt", {}, S.status),
      el("dd", { id: "statement-status" }, S[`statement_${statement.status}`] || S.statement_open),
      el("dt", {}, S.charge),
      el("dd", { id: "statement-charge" }, formatMoney(statement.charge)),
      el("dt", {}, S.fee),
      el("dd", { id: "statement-fee" }, formatMoney(statement.fee)),
    ),
    statement.parts.length === 0 && !(statement.pledges || []).length
      ? el("p", { id: "statement-empty" }, S.statementEmpty)
      : scrollTable(
      { id: "statement-parts" },
      el("thead", {}, el("tr", {}, el("th", {}, S.receiver), el("th", {}, S.flattrs), el("th", {}, S.amount))),
      el(
        "tbody",
        {},
        [...(statement.pledges || []).map((part) => ({ ...part, pledge: true })), ...statement.parts].map((part) =>
          el(
            "tr",
            { class: part.pledge ? "pledge" : "" },
            el("td", {}, part.recipient.display_name, " ", el("small", {}, S[PART_STATE[partState(part)]])),
            el("td", {}, part.pledge ? S.monthlyPledge : part.flattrs),
            el("td", {}, formatMoney(part.amount)),
          ),
        ),
      ),
    ),
    (statement.dropped || []).length
      ? el("p", { id: "statement-dropped" }, S.pledgesDropped(statement.dropped.map((r) => r.display_name).join(", ")))
      : "",
    el("h2", {}, S.wentTitle),
    el(
      "dl",
      { id: "went" },
      el("dt", {}, S.wentClaimed),
      el("dd", { id: "went-claimed" }, inIts(went.claimed)),
      el("dt", {}, S.wentHeld),
      el("dd", { id: "went-held" }, inIts(went.held)),
      el("dt", {}, S.wentDeclined),
      el("dd", { id: "went-declined" }, inIts(went.declined)),
      el("dt", {}, S.wentExpired),
      el("dd", { id: "went-expired" }, inIts(went.expired)),
      el("dt", {}, S.wentRefunded),
      el("dd", { id: "went-refunded" }, inIts(went.refunded)),
    ),
  ];
}

function perDayChart(month, flattrs) {
  const [days, counts] = flattrsPerDay(month, flattrs);
  const total = counts.reduce((a, b) => a + b, 0);
  const figure = el("figure", { id: "per-day" });
  const caption = el("figcaption", {}, `${S.perDayTitle}: `, el("span", { id: "per-day-total" }, total), ` ${S.perDayTotal}`);
  figure.append(caption);
  if (total === 0) {
    figure.append(el("p", { id: "per-day-empty" }, S.perDayEmpty));
    return figure;
  }
  new uPlot(
    {
      width: chartWidth(),
      height: 220,
      legend: LEGEND,
      scales: { x: { time: false }, y: { range: (_, __, max) => [0, Math.max(max, 1)] } },
      series: [{ label: S.day }, { label: S.flattrs, stroke: "#0b5cad", fill: "rgba(11,92,173,0.15)" }],
      axes: [{ incrs: WHOLE }, { incrs: WHOLE }],
    },
    [days, counts],
    figure,
  );
  return figure;
}

const COLOURS = ["#0b5cad", "#a05a00", "#2e7d32", "#8e24aa", "#c62828", "#546e7a"];

function perMonthChart(statements) {
  const { months, receivers, stacks } = moneyPerMonthStacked(statements, 5, S.others);
  const currency = statements.length ? statements[statements.length - 1].charge.currency : "";
  const figure = el("figure", { id: "per-month" }, el("figcaption", {}, S.perMonthTitle(currency)));
  if (receivers.length === 0) return el("p", { id: "per-month-empty" }, S.perMonthEmpty);
  const width = chartWidth();
  const order = receivers.map((_, i) => i).reverse(); // the tallest stack first, so all show
  new uPlot(
    {
      width,
      height: 240,
      legend: LEGEND,
      scales: { x: { time: false, range: (_, min, max) => [min - 0.5, max + 0.5] } },
      series: [
        { label: S.month, value: (_, i) => months[i] ?? "" },
        ...order.map((i) => ({
          label: receivers[i],
          stroke: COLOURS[i % COLOURS.length],
          fill: COLOURS[i % COLOURS.length],
          paths: uPlot.paths.bars({ size: [0.6, 60] }),
          value: (_, v, __, idx) => (idx == null ? "--" : (v - (i > 0 ? stacks[i - 1][idx] : 0)).toFixed(2)),
        })),
      ],
      axes: [monthAxis(months, width), {}],
    },
    [months.map((_, i) => i), ...order.map((i) => stacks[i])],
    figure,
  );
  return figure;
}

export async function historyPage() {
  if (!(await signedInOr(S.historyTitle, "/history"))) return;
  // Without a month, the API answers last month by its own clock (not this device's).
  const asked = new URL(location.href).searchParams.get("month");
  const statement = await api("GET", asked ? `/v1/me/statements?month=${asked}` : "/v1/me/statements");
  const month = statement.data.month;
  const flattrs = await allFlattrs(month);
  const picker = el(
    "form",
    { method: "get", action: "/history" },
    el("label", { for: "month" }, `${S.month} `),
    el("input", { id: "month", name: "month", type: "month", value: month }),
    " ",
    el("button", { type: "submit" }, S.show),
  );
  const earlier = await Promise.all(
    monthsUpTo(month, 6).map((m) => (m === month ? statement : api("GET", `/v1/me/statements?month=${m}`))),
  );
  show(
    el("h1", {}, S.historyTitle),
    picker,
    ...statementTable(statement.data),
    perDayChart(month, flattrs),
    perMonthChart(earlier.filter((a) => a.ok).map((a) => a.data)),
  );
}
