import assert from "node:assert/strict";
import { test } from "node:test";
import { badgeSnippets, goalPercent, initial } from "../src/profile.js";

test("the goal's progress is this month's income over the goal, whole percent, at most 100", () => {
  assert.equal(goalPercent({ amount: "12.500000" }, { amount: "50.000000" }), 25);
  assert.equal(goalPercent({ amount: "0.000000" }, { amount: "50.000000" }), 0);
  assert.equal(goalPercent({ amount: "80.000000" }, { amount: "50.000000" }), 100);
});

test("the badge to copy links the image to the creator's page", () => {
  const { markdown, html } = badgeSnippets("https://flattr.example.org", "octo");
  assert.equal(markdown, "[![Flattr octo](https://flattr.example.org/v1/profiles/octo/badge.svg)](https://flattr.example.org/u/octo)");
  assert.equal(html, '<a href="https://flattr.example.org/u/octo"><img src="https://flattr.example.org/v1/profiles/octo/badge.svg" alt="Flattr octo"></a>');
});

test("a page without a picture shows the name's first letter", () => {
  assert.equal(initial("ada Lovelace"), "A");
  assert.equal(initial("  émile"), "É");
  assert.equal(initial("😀 smile"), "😀"); // one character, not half of one
  assert.equal(initial(""), "?");
  assert.equal(initial(undefined), "?");
});
