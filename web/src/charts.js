// What every chart of the site shares (uPlot): months said as people say them, only as many
// month labels as fit the width, whole-number ticks for counts, a legend without the
// cursor's "--" values, and a width that follows its container.

/** "2026-07" → "Jul 26" in the reader's locale (``Intl``; UTC, so no month shifts). */
export function monthLabel(month, locale = undefined) {
  const [year, number] = month.split("-").map(Number);
  return new Intl.DateTimeFormat(locale, { month: "short", year: "2-digit", timeZone: "UTC" }).format(
    new Date(Date.UTC(year, number - 1, 1)),
  );
}

/** Every how many months a label is drawn so that labels of ``labelPx`` never touch. */
export function labelStep(count, width, labelPx = 56) {
  if (count <= 0) return 1;
  return Math.max(1, Math.ceil((count * labelPx) / Math.max(width, labelPx)));
}

/** An x axis of months at indexes 0..n-1: a tick per month, a label every ``labelStep``
 * of the plot's own width (the chart's, less ``axesPx`` for the y axes beside it). */
export function monthAxis(months, width, { axesPx = 60, locale = undefined } = {}) {
  const step = labelStep(months.length, width - axesPx);
  return {
    splits: () => months.map((_, i) => i),
    values: (_, ticks) => ticks.map((i) => (i % step === 0 && months[i] ? monthLabel(months[i], locale) : "")),
  };
}

// Whole steps only: a count of flattrs or days is never 2.5.
export const WHOLE = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];

/** The width a chart gets: its page's, at most 720 px. */
export function chartWidth() {
  const app = document.getElementById("app");
  return Math.min(720, (app && app.clientWidth) || 720);
}

// The legend names the series; values under the cursor are in the table beside each chart.
export const LEGEND = { live: false };
