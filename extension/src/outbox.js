// The outbox of attention reports: persistent (chrome.storage.local), bounded, batched as
// the API allows (100 reports a request), with backoff on 429 and 5xx that honours
// Retry-After. Pure functions over a plain object with an injected clock, so that a
// stopped service worker or an offline hour loses nothing, and tests replay it.

import { FLUSH_AFTER_MS as CONFIGURED } from "./config.js";

export const BATCH = 100;
export const MAX_ITEMS = 2000;
// Reports wait this long before a request carries them (two minutes, but in a test build),
// and reports of one page made meanwhile are one report: a request costs more than the
// writes it carries. Over a morning of reading (test/pattern.test.js) two minutes make
// 0.70 requests per flattr, 0.43 with the pages done for the day left out (done.js);
// twenty seconds made 3.51. A closed tab, a sign-in and the
// popup opening send what waits at once; a batch that failed is tried again when its
// backoff ends.
export const FLUSH_AFTER_MS = CONFIGURED;
const MAX_REPORT_SECONDS = 900; // the API's limit on one report
const BASE_BACKOFF_MS = 2_000;
const MAX_BACKOFF_MS = 15 * 60_000;

export function emptyOutbox() {
  return { items: [], dropped: 0, failures: 0, retryAt: 0, signedOut: false };
}

/**
 * A report in, with its client-made ``event_id`` (``now``: when it was made). A report of
 * the page and kind of the last one, not yet sent, is added to it (never a visit: each
 * counts); the oldest go when the outbox is full.
 */
export function add(box, report, eventId, now = 0) {
  const last = box.items[box.items.length - 1];
  if (
    last && !last.tried && last.kind !== "visit" && last.url === report.url && last.kind === report.kind &&
    last.active_seconds + report.active_seconds <= MAX_REPORT_SECONDS
  ) {
    const merged = { ...last, active_seconds: last.active_seconds + report.active_seconds, at: report.at };
    return { ...box, items: [...box.items.slice(0, -1), merged] };
  }
  const items = [...box.items, { event_id: eventId, queued_at: now, ...report }];
  const over = Math.max(0, items.length - MAX_ITEMS);
  return { ...box, items: items.slice(over), dropped: box.dropped + over };
}

/** The next batch to send now, or null (empty, backing off, signed out, or its oldest
 * report younger than ``after`` and ``force`` not asked). */
export function nextBatch(box, now, force = false, after = FLUSH_AFTER_MS) {
  if (box.items.length === 0 || box.signedOut || now < box.retryAt) return null;
  if (!force && box.failures === 0 && now - (box.items[0].queued_at || 0) < after) return null;
  return box.items.slice(0, BATCH);
}

/** A batch as the API takes it (what the outbox keeps beside is not sent). */
export function body(batch) {
  return batch.map(({ event_id, url, kind, active_seconds, at }) => ({ event_id, url, kind, active_seconds, at }));
}

function retryAfterMs(header, now) {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const when = Date.parse(header);
  return Number.isNaN(when) ? null : Math.max(0, when - now);
}

/**
 * What the API answered to ``batch``: ``{status, retryAfter}`` (status 0 when offline).
 * 2xx: the batch is done (the API counted each report once, by its event id). 401: kept,
 * until signed in again. 429, 5xx, offline: kept, and sent again after the backoff.
 * Another 4xx: the batch can never pass as it is; it is dropped and counted.
 */
export function settle(box, batch, answer, now) {
  const sent = new Set(batch.map((r) => r.event_id));
  const rest = box.items.filter((r) => !sent.has(r.event_id));
  const tried = box.items.map((r) => (sent.has(r.event_id) ? { ...r, tried: true } : r));
  const { status } = answer;
  if (status >= 200 && status < 300) return { ...box, items: rest, failures: 0, retryAt: 0 };
  if (status === 401) return { ...box, items: tried, signedOut: true };
  if (status === 0 || status === 408 || status === 429 || status >= 500) {
    const failures = box.failures + 1;
    const backoff = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** (failures - 1));
    const wait = retryAfterMs(answer.retryAfter, now) ?? backoff;
    return { ...box, items: tried, failures, retryAt: now + wait };
  }
  return { ...box, items: rest, dropped: box.dropped + batch.length, failures: 0 };
}

/** Signed in again: what waited is sent. */
export function signedIn(box) {
  return { ...box, signedOut: false, retryAt: 0, failures: 0 };
}
