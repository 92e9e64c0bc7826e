import assert from "node:assert/strict";
import { test } from "node:test";
import { earningsPerMonth, earningsPerRecipient, formatAmounts, fromMicros, sumByCurrency, toMicros } from "../src/earnings.js";

const revenue = {
  items: [
    {
      month: "2031-07",
      total: { amount: "0.300000", currency: "EUR" },
      recipients: [{ recipient: "github:octocat", display_name: "octocat", amount: { amount: "0.100000", currency: "EUR" }, flattrs: 1, supporters: 1 },
        { recipient: "web:octo.dev", amount: { amount: "0.200000", currency: "EUR" }, flattrs: 2, supporters: 2 }],
    },
    {
      month: "2031-06",
      total: { amount: "0.200000", currency: "EUR" },
      recipients: [{ recipient: "github:octocat", amount: { amount: "0.200000", currency: "EUR" }, flattrs: 3, supporters: 1 }],
    },
  ],
};

test("months come oldest first, for a chart read left to right", () => {
  assert.deepEqual(earningsPerMonth(revenue), { labels: ["2031-06", "2031-07"], series: [{ currency: "EUR", totals: [0.2, 0.3] }] });
});

// Issue 35: a creator paid in dollars and euros.
const twoCurrencies = {
  items: [
    {
      month: "2031-07",
      total: { amount: "1.800000", currency: "EUR" },
      totals: [{ amount: "1.800000", currency: "EUR" }, { amount: "2.250000", currency: "USD" }],
      recipients: [{ recipient: "github:octocat", amount: { amount: "1.800000", currency: "EUR" }, flattrs: 1, supporters: 1 },
        { recipient: "github:octocat", amount: { amount: "2.250000", currency: "USD" }, flattrs: 1, supporters: 1 }],
    },
    { month: "2031-06", total: { amount: "0.000000", currency: "EUR" }, totals: [{ amount: "2.250000", currency: "USD" }], recipients: [] },
  ],
};

test("each currency is its own series, never added to another", () => {
  assert.deepEqual(earningsPerMonth(twoCurrencies), {
    labels: ["2031-06", "2031-07"],
    series: [{ currency: "EUR", totals: [0, 1.8] }, { currency: "USD", totals: [2.25, 2.25] }],
  });
  const rows = earningsPerRecipient(twoCurrencies);
  assert.deepEqual(rows.map((r) => r.amount), [{ amount: "2.250000", currency: "USD" }, { amount: "1.800000", currency: "EUR" }]);
});

test("money of several currencies is summed in each and said apart", () => {
  const totals = sumByCurrency([{ amount: "1.5", currency: "EUR" }, { amount: "2.25", currency: "USD" }, { amount: "0.3", currency: "EUR" }]);
  assert.deepEqual([...totals], [["EUR", 1_800_000n], ["USD", 2_250_000n]]);
  assert.equal(formatAmounts(totals, "en-US"), "€1.80 and $2.25");
  assert.equal(formatAmounts(new Map([["SEK", 0n]]), "en-US"), "");
});

test("recipients add up across months exactly (0.1 + 0.2 is 0.3 here)", () => {
  assert.deepEqual(earningsPerRecipient(revenue), [
    { recipient: "github:octocat", name: "octocat", flattrs: 4, supporters: 2, amount: { amount: "0.300000", currency: "EUR" } },
    // An answer without the name (an older API) falls back to the key.
    { recipient: "web:octo.dev", name: "web:octo.dev", flattrs: 2, supporters: 2, amount: { amount: "0.200000", currency: "EUR" } },
  ]);
});

test("micro-units round-trip", () => {
  assert.equal(toMicros("4.5"), 4_500_000n);
  assert.equal(fromMicros(toMicros("123.000001")), "123.000001");
  assert.equal(fromMicros(0n), "0.000000");
});
