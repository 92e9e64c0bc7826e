import assert from "node:assert/strict";
import test from "node:test";
import { whereMoneyWent } from "../src/history.js";
import { pledgedText } from "../src/pledges.js";
import { STRINGS } from "../src/strings.js";

const eur = (amount) => ({ amount, currency: "EUR" });

test("a pledge that worked says the amount a month, and the budget where it was raised", () => {
  const plain = pledgedText({ amount: eur("3.000000"), budget_raised_to: null }, "octocat", STRINGS);
  assert.match(plain, /^You give .*3\.00 a month to octocat\.$/);
  const raised = pledgedText({ amount: eur("4.000000"), budget_raised_to: eur("7.000000") }, "a blog", STRINGS);
  assert.match(raised, /Your monthly budget is now .*7\.00, to cover your pledges\.$/);
});

test("where the money went counts the pledges beside the flattrs' parts", () => {
  const part = (amount, held) => ({ amount: eur(amount), held });
  const went = whereMoneyWent({
    parts: [part("0.900000", false)],
    pledges: [part("2.700000", false), part("0.900000", true)],
    refunds: [],
  });
  assert.equal(went.claimed, "3.600000");
  assert.equal(went.held, "0.900000");
});
