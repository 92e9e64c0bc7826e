import assert from "node:assert/strict";
import { test } from "node:test";
import { payInsAndBalance } from "../src/payinwait.js";

// A server where Stripe's event lands while the pay-ins list is being read: the credit is
// written first, then the pay-in's state (functions/payments/payins.py, sync). A balance
// read before that moment says 0, one read after says the amount.
function server() {
  const state = { landed: false, calls: [] };
  const api = (method, path) => {
    state.calls.push(path);
    if (path === "/v1/me/balance") {
      const amount = state.landed ? "12.500000" : "0.000000";
      return Promise.resolve({ data: { balance: { amount, currency: "EUR" } } });
    }
    return new Promise((resolve) =>
      setTimeout(() => {
        state.landed = true;
        resolve({ data: { items: [{ id: "p1", state: "succeeded" }] } });
      }, 0),
    );
  };
  return { api, state };
}

test("a pay-in shown settled is in the balance shown beside it", async () => {
  const { api } = server();
  const [payins, balance] = await payInsAndBalance(api, "p1", { pause: 0 });
  assert.equal(payins.data.items[0].state, "succeeded");
  assert.equal(balance.data.balance.amount, "12.500000");
});

test("a pay-in still 'pre' is asked for again, then stops after its tries", async () => {
  const calls = [];
  const api = (method, path) => {
    calls.push(path);
    return Promise.resolve(
      path === "/v1/payins"
        ? { data: { items: [{ id: "p1", state: "pre" }] } }
        : { data: { balance: { amount: "0.000000", currency: "EUR" } } },
    );
  };
  const [payins] = await payInsAndBalance(api, "p1", { tries: 3, pause: 0 });
  assert.equal(payins.data.items[0].state, "pre");
  assert.equal(calls.filter((path) => path === "/v1/payins").length, 4);
});

test("without a pay-in to wait for, one read", async () => {
  const calls = [];
  const api = (method, path) => {
    calls.push(path);
    return Promise.resolve(
      path === "/v1/payins" ? { data: { items: [] } } : { data: { balance: { amount: "0", currency: "EUR" } } },
    );
  };
  await payInsAndBalance(api, null, { pause: 0 });
  assert.deepEqual(calls.sort(), ["/v1/me/balance", "/v1/payins"]);
});
