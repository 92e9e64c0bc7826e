import assert from "node:assert/strict";
import { test } from "node:test";
import { contributorSteps, creatorSteps } from "../src/firstvisit.js";
import { STRINGS } from "../src/strings.js";

const eur = (amount) => ({ amount, currency: "EUR" });

test("a new contributor's steps are done as the API says they are", () => {
  const fresh = contributorSteps({
    balance: { balance: eur("0.000000"), monthly_budget: eur("5.000000") },
    monthly: { state: "none" },
    devices: { items: [] },
    connections: { items: [] },
  }, STRINGS);
  assert.deepEqual(fresh.map((s) => [s.id, s.done]), [["step-budget", true], ["step-top-up", false], ["step-extension", false], ["step-connect", false]]);
  const later = contributorSteps({
    balance: { balance: eur("0.000000"), monthly_budget: eur("5.000000") },
    monthly: { state: "active" }, // a monthly top-up counts as topped up
    devices: { items: [{ id: "d" }] },
    connections: { items: [{ platform: "github", auto_flattr: false }] }, // connected, not auto
  }, STRINGS);
  assert.deepEqual(later.map((s) => s.done), [true, true, true, false]);
});

test("a new creator's steps: prove, payouts, a badge", () => {
  const steps = creatorSteps({
    connections: { items: [] },
    domains: { items: [{ domain: "a.example", verified: true }] },
    payout: { status: "onboarding" },
    me: { username: null },
  }, STRINGS);
  assert.deepEqual(steps.map((s) => [s.id, s.done]), [["step-prove", true], ["step-payout", false], ["step-badge", false]]);
});
