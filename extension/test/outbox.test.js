import assert from "node:assert/strict";
import { test } from "node:test";

import { add, BATCH, body, emptyOutbox, FLUSH_AFTER_MS, MAX_ITEMS, nextBatch, settle, signedIn } from "../src/outbox.js";

const report = (n) => ({ url: `https://blog.example.org/${n}`, kind: "text", active_seconds: 10, at: "2026-11-22T10:00:00Z" });
const LATER = FLUSH_AFTER_MS; // every report below was queued at 0: due from then on

function filled(count) {
  let box = emptyOutbox();
  for (let i = 0; i < count; i += 1) box = add(box, report(i), `e-${i}`, 0);
  return box;
}

test("batches of at most a hundred, removed once the API took them", () => {
  let box = filled(250);
  assert.equal(nextBatch(box, LATER - 1), null); // young reports wait for company
  const first = nextBatch(box, LATER);
  assert.equal(first.length, BATCH);
  box = settle(box, first, { status: 200 }, LATER);
  assert.equal(box.items.length, 150);
  assert.equal(box.items[0].event_id, "e-100");
});

test("429 and 5xx back off, honouring Retry-After; nothing is lost", () => {
  let box = filled(3);
  const batch = nextBatch(box, LATER + 1_000);
  const t = LATER + 1_000;
  box = settle(box, batch, { status: 429, retryAfter: "30" }, t);
  assert.equal(nextBatch(box, t + 29_999), null);
  assert.equal(nextBatch(box, t + 30_000).length, 3);
  box = settle(box, batch, { status: 503 }, t + 30_000);
  box = settle(box, batch, { status: 0 }, t + 30_000); // offline
  assert.equal(box.failures, 3);
  assert.equal(nextBatch(box, t + 30_000 + 7_999), null); // 2 s × 2² after the third failure
  assert.ok(nextBatch(box, t + 30_000 + 8_000));
  assert.equal(box.items.length, 3);
  box = settle(box, batch, { status: 202 }, t + 40_000);
  assert.deepEqual([box.items.length, box.failures], [0, 0]);
});

test("signed out (401), it keeps everything until signed in again", () => {
  let box = filled(5);
  box = settle(box, nextBatch(box, LATER), { status: 401 }, LATER);
  assert.equal(nextBatch(box, 10_000_000), null);
  box = signedIn(box);
  assert.equal(nextBatch(box, LATER).length, 5);
});

test("bounded: the oldest are dropped, and counted", () => {
  const box = filled(MAX_ITEMS + 7);
  assert.equal(box.items.length, MAX_ITEMS);
  assert.equal(box.dropped, 7);
  assert.equal(box.items[0].event_id, "e-7");
});

test("a batch the API can never take is dropped and counted, not resent forever", () => {
  let box = filled(2);
  box = settle(box, nextBatch(box, LATER), { status: 422 }, LATER);
  assert.deepEqual([box.items.length, box.dropped], [0, 2]);
});

test("it survives a restart: the state is plain JSON", () => {
  const box = settle(filled(4), nextBatch(filled(4), LATER), { status: 500 }, LATER);
  const restored = JSON.parse(JSON.stringify(box));
  assert.deepEqual(restored, box);
  assert.equal(nextBatch(restored, restored.retryAt).length, 4);
});

test("reports of one page made before a request are one report; sent ones never change", () => {
  const page = { url: "https://blog.example.org/a", kind: "text", at: "2026-11-22T10:00:00Z" };
  let box = emptyOutbox();
  for (let i = 0; i < 20; i += 1) box = add(box, { ...page, active_seconds: 1 }, `e-${i}`, i * 1000);
  assert.equal(box.items.length, 1);
  assert.equal(box.items[0].active_seconds, 20);
  assert.equal(nextBatch(box, LATER - 1), null);
  const batch = nextBatch(box, LATER);
  assert.deepEqual(Object.keys(body(batch)[0]).sort(), ["active_seconds", "at", "event_id", "kind", "url"]);
  box = settle(box, batch, { status: 0 }, 20_000); // lost: it may have arrived
  box = add(box, { ...page, active_seconds: 5 }, "e-new", 21_000);
  assert.deepEqual(box.items.map((r) => r.active_seconds), [20, 5]);
  box = add(box, { ...page, kind: "media", active_seconds: 5 }, "e-media", 22_000);
  assert.equal(box.items.length, 3);
});

test("a batch sent early that failed is tried again when its backoff ends, not its window", () => {
  let box = filled(2);
  const batch = nextBatch(box, 1_000, true); // sent at once (a closed tab), while offline
  box = settle(box, batch, { status: 0 }, 1_000);
  assert.equal(nextBatch(box, 2_999), null); // 2 s of backoff
  assert.equal(nextBatch(box, 3_000).length, 2); // long before the window would end
  box = settle(box, batch, { status: 202 }, 3_000);
  box = add(box, report(9), "e-9", 4_000);
  assert.equal(nextBatch(box, 4_000 + LATER - 1), null); // the next waits for its window again
});
