import assert from "node:assert/strict";
import { test } from "node:test";
import { flattrsPerDay, whereMoneyWent } from "../src/history.js";

test("flattrs are counted per UTC day of their month, every day present", () => {
  const flattrs = [
    { month: "2031-06", created_at: "2031-06-01T00:10:00Z" },
    { month: "2031-06", created_at: "2031-06-01T23:59:00Z" },
    { month: "2031-06", created_at: "2031-06-30T12:00:00Z" },
    { month: "2031-05", created_at: "2031-05-31T12:00:00Z" },
  ];
  const [days, counts] = flattrsPerDay("2031-06", flattrs);
  assert.equal(days.length, 30);
  assert.equal(counts[0], 2);
  assert.equal(counts[29], 1);
  assert.equal(counts.reduce((a, b) => a + b), 3);
});

test("a statement's money is split into claimed, held and refunded", () => {
  const money = (amount) => ({ amount, currency: "EUR" });
  const statement = {
    parts: [
      { held: false, amount: money("1.285714") },
      { held: true, amount: money("0.642857") },
      { held: true, amount: money("2.571429") },
    ],
    refunds: [{ amount: money("0.5") }],
  };
  const went = whereMoneyWent(statement);
  assert.equal(went.claimed.toFixed(6), "1.285714");
  assert.equal(went.held.toFixed(6), "3.214286");
  assert.equal(went.refunded, 0.5);
});
