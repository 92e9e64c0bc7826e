// The API's problems (RFC 9457 problem+json) in a person's words (issue 31, item 3): the
// API keeps its field paths and slugs for programs; a page shows the sentence this module
// picks from the strings file, never ``detail``, a field path or a slug.

const PLACES = new Set(["body", "query", "path", "header"]);

/** The field a problem is about, as the strings file names it: ``body.monthly_budget.amount``
 * → the first of ``amount``, ``monthly_budget`` the strings know (the innermost first). */
function fieldOf(problem, known) {
  const error = Array.isArray(problem.errors) ? problem.errors[0] : null;
  if (!error || typeof error.field !== "string") return null;
  const parts = error.field.split(".").filter((p) => !PLACES.has(p) && !/^\d+$/.test(p));
  return parts.reverse().find((p) => p in known) || null;
}

/** "at least 10.00 USD" in an API message → ``{ amount: "10.00", currency: "USD" }``. */
function moneyAfter(words, message) {
  const found = new RegExp(`${words} (\\d+(?:\\.\\d+)?) ([A-Z]{3})`).exec(message);
  return found ? { amount: found[1], currency: found[2] } : null;
}

/** The sentence for ``answer`` (``api()``'s ``{ ok, status, data }``), from ``strings.problems``. */
export function problemText(answer, strings, formatMoney) {
  const words = strings.problems;
  if (!answer || !answer.status) return words.offline;
  const problem = answer.data || {};
  const slug = typeof problem.type === "string" ? problem.type.replace(/^\/problems\//, "") : "";
  const message = (problem.errors && problem.errors[0] && problem.errors[0].message) || problem.detail || "";
  if (slug in words.bySlug) return words.bySlug[slug];
  const field = fieldOf(problem, words.byField);
  if (field) {
    const least = moneyAfter("at least", message);
    const most = moneyAfter("at most", message);
    const only = moneyAfter("only", message);
    if (least) return words.atLeast(formatMoney(least));
    if (only) return words.onlyNow(formatMoney(only));
    // "at most 0.00": there is none at all, which the field's own sentence says better.
    if (most && Number.parseFloat(most.amount) > 0) return words.atMost(formatMoney(most));
    const byField = words.byField[field];
    if (typeof byField === "function") return byField(message);
    return byField;
  }
  if (answer.status === 429) return words.tooMany;
  if (answer.status === 401) return words.signedOut;
  if (answer.status === 403) return words.forbidden;
  if (answer.status === 404) return words.notFound;
  if (answer.status === 409) return words.conflict;
  if (answer.status >= 500) return words.server;
  return words.checkThis;
}
