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
