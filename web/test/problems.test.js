import assert from "node:assert/strict";
import { test } from "node:test";
import { formatMoney } from "../src/format.js";
import { problemText } from "../src/problems.js";
import { STRINGS } from "../src/strings.js";

const money = (m) => formatMoney(m, "en-GB");
const problem = (status, slug, field, message) => ({
  ok: false,
  status,
  data: {
    type: `/problems/${slug}`,
    title: slug,
    status,
    detail: field ? `${field}: ${message}` : message,
    ...(field ? { errors: [{ field, message }] } : {}),
  },
});

// Seen by people (issue 31): field paths, slugs and the API's own phrasing.
const API_WORDS = /body\.|query\.|header\.|\/problems\/|[a-z]+_[a-z]+|EUR\b|authenticator app's/;

const CASES = [
  [problem(422, "invalid-request", "body.amount", "at least 10.00 EUR (you have 3.00 EUR)"), "Enter at least €10.00."],
  [problem(422, "invalid-request", "body.amount", "at least 2.00 EUR: smaller top-ups lose too much to the payment's fixed fee"), "Enter at least €2.00."],
  [problem(422, "validation-error", "body.monthly_budget.amount", "must be at least 2.00 EUR"), "Enter at least €2.00."],
  [problem(422, "invalid-request", "body.amount", "amount: at most 4.00 EUR is unspent"), "That is more than there is: at most €4.00."],
  [problem(422, "invalid-request", "body.amount", "amount: there is no unspent balance to give back"), "There is no unspent money to give back."],
  [problem(422, "invalid-request", "body.amount", "amount: at most 0.00 EUR is unspent"), "There is no unspent money to give back."],
  [problem(422, "invalid-request", "body.amount", "amount: at most 0.00 EUR is earned"), "That is more than you have earned now."],
  [problem(422, "invalid-request", "query.instance", "the host name does not resolve"), STRINGS.problems.byField.instance("")],
  [problem(422, "invalid-request", "body.domain", "not a public domain anyone can register"), STRINGS.problems.byField.domain("")],
  [problem(422, "invalid-request", "body.domain", "a platform's domain: connect your account there instead"), "That is a platform's site: connect your account on it instead."],
  [problem(422, "invalid-request", "body.code", "code: does not match the authenticator app's"), STRINGS.problems.byField.code],
  [problem(403, "totp-required", null, "turn on two-step sign-in"), STRINGS.problems.bySlug["totp-required"]],
  [problem(409, "claimed", "body.recipient", "recipient: it belongs to someone else"), "Someone else has already claimed it."],
  [problem(422, "validation-error", "body.something_new", "unforeseen"), STRINGS.problems.checkThis],
  [problem(500, "internal-error", null, "internal error"), STRINGS.problems.server],
  [problem(429, "too-many-requests", null, "slow down"), STRINGS.problems.bySlug["too-many-requests"]],
  [{ ok: false, status: 0, data: {} }, STRINGS.problems.offline],
];

test("each problem the site meets is said in words, never the API's", () => {
  for (const [answer, expected] of CASES) {
    const text = problemText(answer, STRINGS, money);
    assert.equal(text, expected, answer.data.detail);
    assert.doesNotMatch(text, API_WORDS, text);
  }
});

test("no sentence in the strings file speaks the API's words", () => {
  const { problems } = STRINGS;
  const sentences = [
    ...Object.values(problems.bySlug),
    ...Object.values(problems.byField).map((f) => (typeof f === "function" ? [f(""), f("platform did not register more than is earned no unspent balance")] : f)).flat(),
    ...["offline", "tooMany", "signedOut", "forbidden", "notFound", "conflict", "server", "checkThis"].map((k) => problems[k]),
  ];
  for (const sentence of sentences) assert.doesNotMatch(sentence, API_WORDS, sentence);
});
