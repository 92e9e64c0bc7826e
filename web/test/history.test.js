import assert from "node:assert/strict";
import { test } from "node:test";
import { flattrsPerDay, moneyPerMonthStacked, monthsUpTo, partState, whereMoneyWent } from "../src/history.js";

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
  assert.deepEqual(went, { claimed: "1.285714", held: "3.214286", declined: "0.000000", expired: "0.000000", refunded: "0.500000" });
});

test("money per month is stacked by receiver, the biggest first, the rest as others", () => {
  const part = (name, amount) => ({ recipient: { display_name: name }, amount: { amount } });
  const statements = [
    { month: "2031-07", parts: [part("a", "1.000000"), part("c", "0.100000"), part("d", "0.200000")] },
    { month: "2031-06", parts: [part("a", "2.000000"), part("b", "1.500000")] },
  ];
  assert.deepEqual(moneyPerMonthStacked(statements, 2), {
    months: ["2031-06", "2031-07"],
    receivers: ["a", "b", "others"],
    stacks: [
      [2, 1], // a
      [3.5, 1], // a + b
      [3.5, 1.3], // a + b + others (c and d: 0.1 + 0.2 exactly)
    ],
  });
  assert.deepEqual(moneyPerMonthStacked([], 2), { months: [], receivers: [], stacks: [] });
});

test("months up to one, across a year's end", () => {
  assert.deepEqual(monthsUpTo("2031-02", 3), ["2030-12", "2031-01", "2031-02"]);
  assert.deepEqual(monthsUpTo("2031-12", 1), ["2031-12"]);
});

test("a part held at the split and claimed, refused or expired since is counted where its money is now", () => {
  const part = (amount, held, since = {}) => ({ amount: { amount }, held, ...since });
  const statement = {
    parts: [
      part("1.000000", false),
      part("2.000000", true, { claimed_at: "2031-07-03T10:00:00Z" }),
      part("0.500000", true, { declined_at: "2031-07-04T10:00:00Z" }),
      part("0.125000", true, { expired_at: "2032-01-01T03:00:00Z" }),
      part("0.250000", true),
    ],
    refunds: [],
  };
  assert.deepEqual(statement.parts.map(partState), ["claimed", "claimedSince", "declinedSince", "expiredSince", "waiting"]);
  assert.deepEqual(whereMoneyWent(statement), {
    claimed: "3.000000",
    held: "0.250000",
    declined: "0.500000",
    expired: "0.125000",
    refunded: "0.000000",
  });
});
