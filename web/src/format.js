// Pure formatting: money from the API's decimal strings, with Intl.NumberFormat.

/** { "5.000000", USD } → "$5.00" (in the reader's locale). Money stays a string until shown. */
export function formatMoney(money, locale = undefined) {
  const amount = Number.parseFloat(money.amount);
  return new Intl.NumberFormat(locale, { style: "currency", currency: money.currency }).format(
    amount,
  );
}

/** An RFC 3339 time as a date people read ("7 Dec 2026", "Dec 7, 2026": the reader's
 * locale, never the ambiguous "12/7/2026"). */
export function formatDate(iso, locale = undefined) {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium" }).format(new Date(iso));
}

/** "2026-12" as people name it: "December 2026" (the reader's locale, in UTC). */
export function formatMonth(month, locale = undefined) {
  const [year, number] = month.split("-").map(Number);
  return new Intl.DateTimeFormat(locale, { month: "long", year: "numeric", timeZone: "UTC" }).format(
    new Date(Date.UTC(year, number - 1, 1)),
  );
}

/** A budget typed by a person ("5", "5.5", "5,50") as the API's decimal string, or null. */
export function parseAmount(text) {
  const cleaned = String(text).trim().replace(",", ".");
  if (!/^\d{1,6}(\.\d{1,2})?$/.test(cleaned)) return null;
  const [whole, cents = ""] = cleaned.split(".");
  return `${Number.parseInt(whole, 10)}.${cents.padEnd(2, "0")}`;
}

/** Bytes as base64url without padding (PKCE, RFC 7636). */
export function base64url(bytes) {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}
