import assert from "node:assert/strict";
import { test } from "node:test";
import { shortfallNotice } from "../src/shortfall.js";
import { STRINGS } from "../src/strings.js";

const eur = (amount) => ({ amount, currency: "EUR" });
const balance = (over) => ({
  balance: eur("10.000000"),
  monthly_budget: eur("5.000000"),
  shortfall: eur("0.000000"),
  funded: true,
  flattrs: 4,
  ...over,
});

test("nothing is said while the balance covers the budget", () => {
  assert.equal(shortfallNotice(balance({}), null, STRINGS, "en-GB"), null);
});

test("a balance short of the budget says by how much, and the way on", () => {
  // Issue 31: "the popup said only 'budget €5.00': nobody told the person their balance
  // could not pay their budget".
  const notice = shortfallNotice(balance({ balance: eur("2.000000"), shortfall: eur("3.000000") }), { state: "none" }, STRINGS, "en-GB");
  assert.equal(notice.unfunded, false);
  assert.equal(notice.topUp, true);
  assert.match(notice.text, /balance of €2\.00 does not cover this month's budget of €5\.00: it is €3\.00 short/);
  assert.match(notice.text, /Top up before the month ends/);
});

test("an empty balance says the flattrs go unfunded", () => {
  const notice = shortfallNotice(balance({ balance: eur("0.000000"), shortfall: eur("5.000000"), funded: false }), null, STRINGS, "en-GB");
  assert.equal(notice.unfunded, true);
  assert.match(notice.text, /the 4 flattrs you made this month will go unfunded/);
  const one = shortfallNotice(balance({ balance: eur("0.000000"), shortfall: eur("5.000000"), funded: false, flattrs: 1 }), null, STRINGS, "en-GB");
  assert.match(one.text, /the flattr you made this month will go unfunded \(nobody receives anything from it\)/);
});

test("an empty balance before any flattr says the budget cannot be paid", () => {
  const notice = shortfallNotice(balance({ balance: eur("0.000000"), shortfall: eur("5.000000"), flattrs: 0 }), null, STRINGS, "en-GB");
  assert.equal(notice.unfunded, false);
  assert.match(notice.text, /^Your balance is empty: this month's budget of €5\.00 cannot be paid\./);
});

test("a monthly top-up that will cover it is said instead of asking to top up", () => {
  const notice = shortfallNotice(
    balance({ balance: eur("1.000000"), shortfall: eur("4.000000") }),
    { state: "active", method: "card", days_before_month_end: 3 },
    STRINGS,
    "en-GB",
  );
  assert.equal(notice.topUp, false);
  assert.match(notice.text, /monthly top-up will add what is missing 3 days before the month ends/);
});
