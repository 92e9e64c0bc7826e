import assert from "node:assert/strict";
import { test } from "node:test";
import { cents, monthLines } from "../src/month.js";

const eur = (amount) => ({ amount, currency: "EUR" });

test("the month's line says the flattrs and the budget", () => {
  const lines = monthLines({ flattrs: 1, monthly_budget: eur("5.000000"), balance: eur("9.000000"), shortfall: eur("0.000000"), funded: true });
  assert.deepEqual(lines, { month: "This month: 1 flattr, budget €5.00.", short: null });
  assert.equal(cents("12.5"), "12.50");
});

test("a balance short of the budget is said, with by how much", () => {
  // Issue 31: "the popup said only 'budget €5.00'" while the flattrs showed €0.00 parts.
  const short = monthLines({ flattrs: 3, monthly_budget: eur("5.000000"), balance: eur("2.000000"), shortfall: eur("3.000000"), funded: true });
  assert.equal(short.short, "Your balance of €2.00 is €3.00 short of your budget: each flattr gives less unless you top up.");
  const empty = monthLines({ flattrs: 3, monthly_budget: eur("5.000000"), balance: eur("0.000000"), shortfall: eur("5.000000"), funded: false });
  assert.equal(empty.short, "Your balance is empty: these flattrs go unfunded unless you top up.");
  const none = monthLines({ flattrs: 0, monthly_budget: eur("5.000000"), balance: eur("0.000000"), shortfall: eur("5.000000"), funded: true });
  assert.equal(none.short, "Your balance is empty: your budget cannot be paid unless you top up.");
});

test("money is said in its own currency (issue 35), never as euros", () => {
  const usd = (amount) => ({ amount, currency: "USD" });
  const lines = monthLines({ flattrs: 2, monthly_budget: usd("5.000000"), balance: usd("9.000000"), shortfall: usd("0.000000"), funded: true });
  assert.equal(lines.month, "This month: 2 flattrs, budget $5.00.");
});
