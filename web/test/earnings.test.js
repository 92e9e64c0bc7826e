import assert from "node:assert/strict";
import { test } from "node:test";
import { earningsPerMonth, earningsPerRecipient, fromMicros, toMicros } from "../src/earnings.js";

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
  assert.deepEqual(earningsPerMonth(revenue), { labels: ["2031-06", "2031-07"], totals: [0.2, 0.3] });
});

test("recipients add up across months exactly (0.1 + 0.2 is 0.3 here)", () => {
  assert.deepEqual(earningsPerRecipient(revenue), [
    { recipient: "github:octocat", name: "octocat", flattrs: 4, supporters: 2, amount: "0.300000" },
    // An answer without the name (an older API) falls back to the key.
    { recipient: "web:octo.dev", name: "web:octo.dev", flattrs: 2, supporters: 2, amount: "0.200000" },
  ]);
});

test("micro-units round-trip", () => {
  assert.equal(toMicros("4.5"), 4_500_000n);
  assert.equal(fromMicros(toMicros("123.000001")), "123.000001");
  assert.equal(fromMicros(0n), "0.000000");
});
