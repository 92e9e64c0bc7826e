import assert from "node:assert/strict";
import { test } from "node:test";

import { whenSettled } from "../src/settle.js";

const pending = { ok: true, data: { pending: true, flattrable: true, retry_after: 5 } };
const owner = { ok: true, data: { pending: false, flattrable: true, recipient: { display_name: "Rick Astley" } } };

test("asks again after the retry hint until the owner is known, then says it", async () => {
  const answers = [pending, owner];
  const waited = [];
  const shown = [];
  const last = await whenSettled(pending, async () => answers.shift(), (a) => shown.push(a.data.recipient.display_name), {
    wait: async (ms) => waited.push(ms),
  });
  assert.deepEqual(waited, [5000, 5000]);
  assert.deepEqual(shown, ["Rick Astley"]);
  assert.equal(last, owner);
});

test("gives up after a few tries and says nothing new", async () => {
  let asked = 0;
  const shown = [];
  await whenSettled(pending, async () => { asked += 1; return pending; }, () => shown.push("x"), {
    tries: 3,
    wait: async () => {},
  });
  assert.equal(asked, 3);
  assert.deepEqual(shown, []);
});

test("an answer that is not pending is said at once, without asking again", async () => {
  let asked = 0;
  const shown = [];
  await whenSettled(owner, async () => { asked += 1; return owner; }, (a) => shown.push(a), { wait: async () => {} });
  assert.equal(asked, 0);
  assert.deepEqual(shown, [owner]);
});

test("a retry hint out of range is kept between 1 and 30 seconds", async () => {
  const waited = [];
  const hinted = (n) => ({ ok: true, data: { pending: true, retry_after: n } });
  const answers = [hinted(0), hinted(3600), owner];
  await whenSettled(hinted(-1), async () => answers.shift(), () => {}, { wait: async (ms) => waited.push(ms) });
  assert.deepEqual(waited, [1000, 5000, 30000]); // -1 → 1 s, none (0) → 5 s, an hour → 30 s
});
