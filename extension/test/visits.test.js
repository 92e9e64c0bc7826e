import assert from "node:assert/strict";
import { test } from "node:test";

import { add, emptyOutbox, FLUSH_AFTER_MS, nextBatch } from "../src/outbox.js";
import { addToday } from "../src/sensing.js";
import { visitItem, visitsBody } from "../src/visits.js";

const PAGE = "https://blog.example.org/post";
const T0 = Date.parse("2026-11-22T10:00:00Z");
const iso = (ms) => new Date(ms).toISOString();
const read = (today, seconds, at) => addToday(today, { url: PAGE, seconds }, at);

test("a visit's dwell is the attention its page got after it arrived", () => {
  let today = read(null, 40, T0 - 60_000); // read earlier today: not this visit's
  const box = add(emptyOutbox(), visitItem(PAGE, iso(T0), today), "v-1", T0);
  today = read(today, 12, T0 + 12_000);
  today = read(today, 9, T0 + 21_000);
  const batch = nextBatch(box, T0 + FLUSH_AFTER_MS);
  assert.deepEqual(visitsBody(batch, today), [
    { event_id: "v-1", url: PAGE, at: iso(T0), dwell_seconds: 21 },
  ]);
});

test("a page left at once has no dwell; another page's reading does not count", () => {
  let today = read(null, 5, T0);
  const box = add(emptyOutbox(), visitItem(PAGE, iso(T0), today), "v-1", T0);
  today = addToday(today, { url: "https://blog.example.org/other", seconds: 30 }, T0 + 30_000);
  assert.equal(visitsBody(box.items, today)[0].dwell_seconds, 0);
});

test("visits of one page are never merged: each is an occasion", () => {
  let box = emptyOutbox();
  box = add(box, visitItem(PAGE, iso(T0), null), "v-1", T0);
  box = add(box, visitItem(PAGE, iso(T0 + 7 * 3600_000), null), "v-2", T0 + 7 * 3600_000);
  assert.deepEqual(box.items.map((v) => v.event_id), ["v-1", "v-2"]);
});

test("sent on a later day, a visit claims no dwell it cannot know", () => {
  const today = read(null, 50, T0 + 86_400_000);
  const box = add(emptyOutbox(), visitItem(PAGE, iso(T0), null), "v-1", T0);
  assert.equal(visitsBody(box.items, today)[0].dwell_seconds, 0);
});
