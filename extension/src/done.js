// Pages the service said are done for the day: every flattr their kind can earn today is
// made, so reporting them again costs a request and changes nothing. The answer to
// POST /v1/attention names them by one of the batch's event ids, with when their day ends
// and which reports no longer count ("text": a media report could still earn; "any").
// Pure functions over a plain map { url: { until (ms), kind } } kept in storage.

/** What ``answer`` (the JSON of a 2xx) teaches about the pages of ``batch``. */
export function learnDone(done, batch, answer, now) {
  const urls = new Map(batch.map((report) => [report.event_id, report.url]));
  const next = pruneDone(done, now);
  for (const page of (answer && Array.isArray(answer.done) ? answer.done : [])) {
    const url = urls.get(page.event_id);
    const until = Date.parse(page.until);
    if (url && Number.isFinite(until) && until > now && ["text", "any"].includes(page.kind)) {
      next[url] = { until, kind: page.kind };
    }
  }
  return next;
}

/** Whether a report of this page and kind would change nothing today. */
export function isDone(done, report, now) {
  const page = done && done[report.url];
  return Boolean(page && page.until > now && (page.kind === "any" || report.kind !== "media"));
}

/** The map without pages whose day has ended. */
export function pruneDone(done, now) {
  return Object.fromEntries(Object.entries(done || {}).filter(([, page]) => page.until > now));
}

/** The outbox without the waiting reports of done pages (never one being sent). */
export function withoutDone(box, done, now) {
  const items = box.items.filter((report) => report.tried || !isDone(done, report, now));
  return items.length === box.items.length ? box : { ...box, items };
}
