import assert from "node:assert/strict";
import { test } from "node:test";
import { base64url, formatMoney, parseAmount } from "../src/format.js";

test("money from the API is shown in the reader's currency format", () => {
  assert.equal(formatMoney({ amount: "5.000000", currency: "EUR" }, "en-IE"), "€5.00");
  // Intl puts a no-break space between the amount and the sign.
  assert.equal(formatMoney({ amount: "1234.5", currency: "EUR" }, "de-DE"), "1.234,50\u00a0€");
});

test("a typed budget becomes the API's decimal string, or nothing", () => {
  assert.equal(parseAmount("5"), "5.00");
  assert.equal(parseAmount(" 7,5 "), "7.50");
  assert.equal(parseAmount("12.34"), "12.34");
  assert.equal(parseAmount("1.234"), null);
  assert.equal(parseAmount("-3"), null);
  assert.equal(parseAmount("abc"), null);
});

test("PKCE's base64url has no padding and no + or /", () => {
  assert.equal(base64url(new Uint8Array([251, 255, 191])), "-_-_");
  assert.equal(base64url(new Uint8Array([1])), "AQ");
});

test("dates are said in the reader's locale, never as 12/7/2026", async () => {
  const { formatDate } = await import("../src/format.js");
  assert.equal(formatDate("2026-12-07T10:00:00Z", "en-GB"), "7 Dec 2026");
  assert.equal(formatDate("2026-12-07T10:00:00Z", "en-US"), "Dec 7, 2026");
});

test("a month is named as people name it", async () => {
  const { formatMonth } = await import("../src/format.js");
  assert.equal(formatMonth("2026-12", "en-GB"), "December 2026");
  assert.equal(formatMonth("2027-01", "de-DE"), "Januar 2027");
});
