// Visits (opt-in): a page view the history API saw, held in the visits outbox until it is
// sent. The session rule needs to know how long the page was stayed on, which is known only
// later: a visit keeps the page's attention seconds of the day as it arrived, and when it is
// sent (at least FLUSH_AFTER_MS later) its dwell is the attention the page got since.

/** The outbox item of a visit to ``url`` at ``at`` (ISO), with the page's seconds so far. */
export function visitItem(url, at, today) {
  return { url, kind: "visit", active_seconds: 0, at, base: secondsOn(today, url, at) };
}

function secondsOn(today, url, at) {
  if (!today || today.day !== at.slice(0, 10)) return 0;
  return (today.pages || {})[url] || 0;
}

/** A batch of visits as ``POST /v1/visits`` takes them, dwell measured from ``today``
 * (this browser's per-page seconds of the current day). */
export function visitsBody(batch, today) {
  return batch.map(({ event_id, url, at, base }) => {
    const sameDay = today && today.day === at.slice(0, 10);
    const dwell = sameDay ? Math.max(0, ((today.pages || {})[url] || 0) - (base || 0)) : 0;
    return { event_id, url, at, dwell_seconds: dwell };
  });
}
