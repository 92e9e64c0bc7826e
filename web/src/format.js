// Pure formatting: money from the API's decimal strings, with Intl.NumberFormat.

/** "5.000000" EUR → "€5.00" (in the reader's locale). Money stays a string until shown. */
export function formatMoney(money, locale = undefined) {
  const amount = Number.parseFloat(money.amount);
  return new Intl.NumberFormat(locale, { style: "currency", currency: money.currency }).format(
    amount,
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
