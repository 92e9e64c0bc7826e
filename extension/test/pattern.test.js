// The request pattern the extension really sends: a morning of reading replayed through
// the real sensing and outbox functions (the worker's own steps, without Chrome), counting
// requests and the flattrs the server's text thresholds make of the seconds sent. Its
// figure is the "requests per flattr" of docs/scale.md's cost model. The service's answer
// is played by the rule it applies (tested in tests/integration/test_attention.py): a page
// whose seconds reached the last text threshold is done for the day.
import assert from "node:assert/strict";
import { test } from "node:test";

import { isDone, learnDone, withoutDone } from "../src/done.js";
import { add, emptyOutbox, FLUSH_AFTER_MS, nextBatch, settle } from "../src/outbox.js";
import { initialState, step } from "../src/sensing.js";

const TEXT_THRESHOLDS = [50, 96, 138, 176, 210]; // functions/track/rules.py
// Seconds spent on each page, one after another in one tab, scrolling every 5 s: short
// visits that earn nothing, reads that earn some flattrs, long ones past the last threshold.
const READS = [20, 30, 45, 60, 75, 90, 120, 150, 180, 240, 300, 420, 600, 900];

const LAST = TEXT_THRESHOLDS[TEXT_THRESHOLDS.length - 1];

/** The service's answer to a batch, as far as done pages go. */
function answer(batch, sent) {
  const done = batch
    .filter((r) => sent[r.url] >= LAST)
    .map((r) => ({ event_id: r.event_id, until: "2099-01-01T04:00:00Z", kind: "text" }));
  return { accepted: batch.length, done };
}

function morning(windowMs, learn = true) {
  let state = { ...initialState(), signedIn: true };
  let box = emptyOutbox();
  let done = {};
  let now = 0;
  let serial = 0;
  let requests = 0;
  let pageDays = 0; // pages a request carries: each is one page-day write
  const made = {};
  const sent = {};
  const flush = (force) => {
    for (let batch = nextBatch(box, now, force, windowMs); batch; batch = nextBatch(box, now, force, windowMs)) {
      requests += 1;
      pageDays += new Set(batch.map((r) => r.url)).size;
      for (const r of batch) sent[r.url] = (sent[r.url] || 0) + r.active_seconds;
      box = settle(box, batch, { status: 200 }, now);
      if (learn) {
        done = learnDone(done, batch, answer(batch, sent), now);
        box = withoutDone(box, done, now);
      }
    }
  };
  const event = (e) => {
    const { state: next, report } = step(state, { ...e, at: now });
    state = next;
    if (report) {
      made[report.url] = (made[report.url] || 0) + report.seconds;
      const item = { url: report.url, kind: report.kind, active_seconds: report.seconds, at: report.at };
      if (!isDone(done, item, now)) box = add(box, item, `e-${(serial += 1)}`, now);
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
  return { requests, pageDays, flattrs, made, sent };
}

/** Every second that could still earn was sent, and none twice. */
function everySecondThatCounts(run) {
  for (const [url, made] of Object.entries(run.made)) {
    if (made <= LAST) assert.equal(run.sent[url], made, url);
    else assert.ok(run.sent[url] >= LAST && run.sent[url] <= made, url);
  }
}

test("reading makes fewer requests than flattrs, and every second that counts is sent", () => {
  const now = morning(FLUSH_AFTER_MS);
  const unlearnt = morning(FLUSH_AFTER_MS, false);
  const before = morning(20_000, false);
  everySecondThatCounts(now);
  assert.deepEqual(unlearnt.sent, unlearnt.made); // nothing lost, nothing counted twice
  assert.deepEqual(before.sent, before.made);
  assert.equal(now.flattrs, before.flattrs); // the same flattrs, fewer requests
  assert.equal(unlearnt.flattrs, before.flattrs);
  const ratio = now.requests / now.flattrs;
  const per = (run) => (run.requests / run.flattrs).toFixed(2);
  console.log(
    `requests per flattr: ${ratio.toFixed(2)} (${now.requests} requests, ${now.flattrs} flattrs); ` +
      `${(now.pageDays / now.requests).toFixed(2)} pages a request; ` +
      `not skipping pages done for the day: ${per(unlearnt)}; with 20 s batches: ${per(before)}`,
  );
  assert.ok(ratio <= 0.5, ratio);
  assert.ok(unlearnt.requests > now.requests);
  assert.ok(before.requests > 4 * unlearnt.requests);
});
