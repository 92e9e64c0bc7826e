// Pure shaping of the public stats (GET /v1/stats) for the charts.

/** Columns for the charts: month indexes, flattrs, money split (in the figures' currency), creators paid,
 * and the share claimed as a percentage (drawing needs numbers; tables show strings). */
export function statsSeries(stats) {
  const months = stats.items.map((m) => m.month);
  return {
    months,
    x: months.map((_, i) => i),
    flattrs: stats.items.map((m) => m.flattrs),
    money: stats.items.map((m) => Number.parseFloat(m.money_split.amount)),
    creators: stats.items.map((m) => m.creators_paid),
    sharePercent: stats.items.map((m) => Math.round(Number.parseFloat(m.share_claimed) * 1000) / 10),
  };
}

/** The button snippet site owners paste: a plain link with an image, no script. */
export function buttonSnippet(origin, url) {
  const target = `${origin}/flattr?url=${encodeURIComponent(url)}`;
  const escape = (text) => text.replaceAll("&", "&amp;").replaceAll('"', "&quot;").replaceAll("<", "&lt;");
  return `<a href="${escape(target)}"><img src="${escape(origin)}/button.svg" alt="Flattr this" width="92" height="24"></a>`;
}
