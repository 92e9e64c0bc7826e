import assert from "node:assert/strict";
import { test } from "node:test";
import { notFlattrableText, receiverState } from "../src/receiver.js";
import { STRINGS } from "../src/strings.js";

test("the receiver's state is the recipient's own, not where its money goes", () => {
  // Issue 31: "It goes to octocat (claimed)" for a recipient the API answers claimed: false.
  const octocat = { key: "github:octocat", claimed: false };
  assert.equal(receiverState({ recipient: octocat, goes_to_creator: true }), "waiting");
  assert.equal(receiverState({ recipient: { ...octocat, claimed: true }, goes_to_creator: true }), "claimed");
  assert.equal(receiverState({ recipient: { key: "web:example.org", claimed: true }, goes_to_creator: false }), "claimed");
  assert.equal(receiverState({ recipient: null }), "none");
});

test("an owner being looked up is said once, not beside 'waits to be claimed'", () => {
  const pending = { recipient: { key: "pending:yt", display_name: "(its owner is being looked up)", claimed: false }, pending: true };
  assert.equal(receiverState(pending), "pending");
});

test("why a page cannot be flattred is said in words, never as a slug", () => {
  for (const reason of ["search_page", "no_registrable_domain", "blocked_domain", "declined", "something_new", null]) {
    const text = notFlattrableText(reason, STRINGS);
    assert.ok(text.startsWith(STRINGS.notFlattrable), text);
    assert.ok(!/[a-z]+_[a-z]+/.test(text), text);
  }
  assert.equal(notFlattrableText("search_page", STRINGS), "This page cannot be flattred: a search results page belongs to no creator");
});
