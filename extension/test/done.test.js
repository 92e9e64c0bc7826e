import assert from "node:assert/strict";
import { test } from "node:test";

import { isDone, learnDone, pruneDone, withoutDone } from "../src/done.js";
import { add, emptyOutbox } from "../src/outbox.js";

const PAGE = "https://blog.example.org/post";
const batch = [
  { event_id: "a", url: PAGE, kind: "text", active_seconds: 60 },
  { event_id: "b", url: "https://other.example/", kind: "text", active_seconds: 30 },
];
const until = "2031-06-11T04:00:00Z";
const now = Date.parse("2031-06-10T12:00:00Z");

test("a page the answer names is done for its kind until its day ends", () => {
  const done = learnDone({}, batch, { done: [{ event_id: "a", until, kind: "text" }] }, now);
  assert.deepEqual(Object.keys(done), [PAGE]);
  assert.equal(isDone(done, { url: PAGE, kind: "text" }, now), true);
  assert.equal(isDone(done, { url: PAGE, kind: "media" }, now), false); // media could earn more
  assert.equal(isDone(done, { url: "https://other.example/", kind: "text" }, now), false);
  assert.equal(isDone(done, { url: PAGE, kind: "text" }, Date.parse(until)), false); // a new day
  const all = learnDone({}, batch, { done: [{ event_id: "a", until, kind: "any" }] }, now);
  assert.equal(isDone(all, { url: PAGE, kind: "media" }, now), true);
});

test("an answer without done, or naming what the batch did not hold, teaches nothing", () => {
  assert.deepEqual(learnDone({}, batch, { accepted: 2 }, now), {});
  assert.deepEqual(learnDone({}, batch, null, now), {});
  const strange = { done: [{ event_id: "zzz", until, kind: "text" }, { event_id: "a", until: "soon", kind: "text" }] };
  assert.deepEqual(learnDone({}, batch, strange, now), {});
  assert.deepEqual(learnDone({}, batch, { done: [{ event_id: "a", until, kind: "all" }] }, now), {});
});

test("pages whose day ended are forgotten", () => {
  const done = { [PAGE]: { until: now - 1, kind: "text" }, kept: { until: now + 1, kind: "any" } };
  assert.deepEqual(Object.keys(pruneDone(done, now)), ["kept"]);
});

test("waiting reports of a done page leave the outbox; others stay", () => {
  let box = emptyOutbox();
  box = add(box, { url: PAGE, kind: "text", active_seconds: 30, at: "t" }, "1", now);
  box = add(box, { url: "https://other.example/", kind: "text", active_seconds: 30, at: "t" }, "2", now);
  box = add(box, { url: PAGE, kind: "media", active_seconds: 30, at: "t" }, "3", now);
  const done = { [PAGE]: { until: now + 1000, kind: "text" } };
  assert.deepEqual(
    withoutDone(box, done, now).items.map((r) => r.event_id),
    ["2", "3"],
  );
  assert.equal(withoutDone(box, {}, now), box);
});
