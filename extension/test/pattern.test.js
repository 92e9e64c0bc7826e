// The request pattern the extension really sends: a morning of reading replayed through
// the real sensing and outbox functions (the worker's own steps, without Chrome), counting
// requests and the flattrs the server's text thresholds make of the seconds sent. Its
// figure is the "requests per flattr" of docs/scale.md's cost model.
import assert from "node:assert/strict";
import { test } from "node:test";

import { add, emptyOutbox, FLUSH_AFTER_MS, nextBatch, settle } from "../src/outbox.js";
import { initialState, step } from "../src/sensing.js";

const TEXT_THRESHOLDS = [50, 96, 138, 176, 210]; // functions/track/rules.py
// Seconds spent on each page, one after another in one tab, scrolling every 5 s: short
// visits that earn nothing, reads that earn some flattrs, long ones past the last threshold.
const READS = [20, 30, 45, 60, 75, 90, 120, 150, 180, 240, 300, 420, 600, 900];

function morning(windowMs) {
  let state = { ...initialState(), signedIn: true };
  let box = emptyOutbox();
  let now = 0;
  let serial = 0;
  let requests = 0;
  const made = {};
  const sent = {};
  const flush = (force) => {
    for (let batch = nextBatch(box, now, force, windowMs); batch; batch = nextBatch(box, now, force, windowMs)) {
      requests += 1;
      for (const r of batch) sent[r.url] = (sent[r.url] || 0) + r.active_seconds;
      box = settle(box, batch, { status: 200 }, now);
    }
  };
  const event = (e) => {
    const { state: next, report } = step(state, { ...e, at: now });
    state = next;
    if (report) {
      made[report.url] = (made[report.url] || 0) + report.seconds;
      const item = { url: report.url, kind: report.kind, active_seconds: report.seconds, at: report.at };
      box = add(box, item, `e-${(serial += 1)}`, now);
    }
    flush(e.type === "closed");
  };
  READS.forEach((seconds, page) => {
    const url = `https://blog.example.org/post-${page}`;
    event({ type: "tab", tab: { id: 1, url, incognito: false, visible: true, audible: false, muted: false } });
    for (let t = 5; t <= seconds; t += 5) {
      now += 5_000;
      event({ type: "input", tabId: 1 });
      if (t % 30 === 0) event({ type: "tick" }); // the worker's alarm
    }
  });
  event({ type: "closed", tabId: 1 });
  const flattrs = Object.values(sent).reduce(
    (sum, seconds) => sum + TEXT_THRESHOLDS.filter((threshold) => seconds >= threshold).length,
    0,
  );
  return { requests, flattrs, made, sent };
}

test("reading makes fewer requests than flattrs, and every second is sent", () => {
  const now = morning(FLUSH_AFTER_MS);
  const before = morning(20_000);
  assert.deepEqual(now.sent, now.made); // nothing lost, nothing counted twice
  assert.deepEqual(before.sent, before.made);
  assert.equal(now.flattrs, before.flattrs); // the same flattrs, fewer requests
  const ratio = now.requests / now.flattrs;
  console.log(
    `requests per flattr: ${ratio.toFixed(2)} (${now.requests} requests, ${now.flattrs} flattrs); ` +
      `with 20 s batches: ${(before.requests / before.flattrs).toFixed(2)}`,
  );
  assert.ok(ratio <= 0.75, ratio);
  assert.ok(before.requests > 4 * now.requests);
});
