// The sensing logic replayed from scripted event logs with an injected clock: a ten-minute
// reading session in milliseconds, no browser.
import assert from "node:assert/strict";
import { test } from "node:test";

import { addToday, initialState, step, trackableUrl } from "../src/sensing.js";

const PAGE = "https://blog.example.org/essay";
const T0 = Date.UTC(2026, 10, 22, 10, 0, 0);

/** Replays ``events`` ({at: seconds after T0, ...}) from a signed-in start. */
function replay(events, start = {}) {
  let state = { ...initialState(), signedIn: true, ...start };
  const reports = [];
  for (const event of events) {
    const result = step(state, { ...event, at: T0 + event.at * 1000 });
    state = JSON.parse(JSON.stringify(result.state)); // as chrome.storage keeps it
    if (result.report) reports.push(result.report);
  }
  return { state, reports, seconds: reports.reduce((sum, r) => sum + r.seconds, 0) };
}

function tab(url = PAGE, more = {}) {
  return { type: "tab", tab: { id: 7, url, incognito: false, visible: true, ...more } };
}

test("ten minutes of reading with input every ten seconds is ten minutes", () => {
  const events = [{ ...tab(), at: 0 }];
  for (let s = 10; s <= 600; s += 10) events.push({ type: "input", tabId: 7, at: s });
  const { seconds, reports } = replay(events);
  assert.equal(seconds, 600);
  assert.ok(reports.every((r) => r.url === PAGE && r.kind === "text"));
});

test("without input, only fifteen seconds after the last one count", () => {
  const { seconds } = replay([{ ...tab(), at: 0 }, { type: "input", tabId: 7, at: 5 }, { type: "tick", at: 300 }]);
  assert.equal(seconds, 20); // selected at 0, input at 5, counted until 5 + 15
});

test("an audible, unmuted tab counts while it plays, as media", () => {
  const { seconds, reports } = replay([
    { ...tab(PAGE, { audible: true }), at: 0 },
    { type: "tick", at: 240 },
    { ...tab(PAGE, { audible: true, muted: true }), at: 300 },
    { type: "tick", at: 600 },
  ]);
  assert.equal(seconds, 300); // muted at 300: text again, and no input for minutes
  assert.equal(reports[0].kind, "media");
});

test("idle or locked, an unfocused window, a hidden page: nothing counts", () => {
  for (const stop of [
    { type: "idle", state: "idle" },
    { type: "idle", state: "locked" },
    { type: "focus", focused: false },
    { ...tab(PAGE, { visible: false }) },
  ]) {
    const events = [{ ...tab(), at: 0 }, { ...stop, at: 10 }];
    for (let s = 20; s <= 120; s += 10) events.push({ type: "input", tabId: 7, at: s });
    assert.equal(replay(events).seconds, 10, JSON.stringify(stop));
  }
});

test("back from idle counts again at once", () => {
  const { seconds } = replay([
    { ...tab(), at: 0 },
    { type: "idle", state: "idle", at: 10 },
    { type: "idle", state: "active", at: 100 },
    { type: "tick", at: 130 },
  ]);
  assert.equal(seconds, 10 + 15);
});

test("never in private windows, signed out, paused, on a site turned off, localhost or IPs", () => {
  const input = (from) => Array.from({ length: 6 }, (_, i) => ({ type: "input", tabId: 7, at: from + i * 10 }));
  const cases = [
    [{ ...tab(PAGE, { incognito: true }), at: 0 }, {}],
    [{ ...tab(), at: 0 }, { signedIn: false }],
    [{ ...tab(), at: 0 }, { paused: true }],
    [{ ...tab(), at: 0 }, { sitesOff: ["blog.example.org"] }],
    [{ ...tab("http://localhost:8000/page"), at: 0 }, {}],
    [{ ...tab("http://127.0.0.1/page"), at: 0 }, {}],
    [{ ...tab("http://[::1]/page"), at: 0 }, {}],
  ];
  for (const [first, start] of cases) {
    assert.equal(replay([first, ...input(10)], start).seconds, 0, JSON.stringify([first, start]));
  }
});

test("switching tabs credits the page each second was on", () => {
  const other = "https://news.example.com/story";
  const { reports } = replay([
    { ...tab(), at: 0 },
    { type: "input", tabId: 7, at: 10 },
    { type: "tab", tab: { id: 8, url: other, incognito: false, visible: true }, at: 20 },
    { type: "input", tabId: 8, at: 30 },
    { type: "tick", at: 40 },
  ]);
  const per = Object.fromEntries(reports.map((r) => [r.url, 0]));
  for (const r of reports) per[r.url] += r.seconds;
  assert.deepEqual(per, { [PAGE]: 20, [other]: 20 });
});

test("input in another tab is not input on this one", () => {
  const { seconds } = replay([{ ...tab(), at: 0 }, { type: "input", tabId: 99, at: 10 }, { type: "tick", at: 60 }]);
  assert.equal(seconds, 15);
});

test("fractions of a second are carried, not lost or invented", () => {
  let state = { ...initialState(), signedIn: true };
  let total = 0;
  ({ state } = step(state, { ...tab(), at: T0 }));
  for (let ms = 400; ms <= 10_000; ms += 400) {
    const result = step(state, { type: "input", tabId: 7, at: T0 + ms });
    state = result.state;
    total += result.report ? result.report.seconds : 0;
  }
  assert.equal(total, 10);
});

test("the day's per-page seconds keep only today", () => {
  let today = addToday(null, { url: PAGE, seconds: 30 }, T0);
  today = addToday(today, { url: PAGE, seconds: 12 }, T0 + 3600_000);
  assert.deepEqual(today.pages, { [PAGE]: 42 });
  const tomorrow = addToday(today, null, T0 + 24 * 3600_000);
  assert.deepEqual(tomorrow.pages, {});
});

test("only http(s) pages of public-looking hosts are trackable", () => {
  assert.equal(trackableUrl("https://blog.example.org/a"), true);
  for (const url of ["chrome://extensions", "file:///tmp/x.html", "http://intranet/page", "not a url"]) {
    assert.equal(trackableUrl(url), false, url);
  }
});
