import assert from "node:assert/strict";
import test from "node:test";
import { askedOf } from "../src/apps.js";
import { scopeLines } from "../src/scopes.js";
import { STRINGS } from "../src/strings.js";

test("the consent page says every scope an app asks in words, and reading always", () => {
  assert.deepEqual(scopeLines([], STRINGS), [STRINGS.scopeRead]);
  assert.deepEqual(scopeLines(["flattr", "thing", "email"], STRINGS), [
    STRINGS.scopeRead,
    STRINGS.scopeWords.flattr,
    STRINGS.scopeWords.email,
  ]);
});

test("the consent page passes on only the authorization request's own fields", () => {
  const asked = askedOf("?response_type=code&client_id=abc&scope=flattr&state=x&evil=1&redirect_uri=gpodder%3A%2F%2Fcb");
  assert.deepEqual(asked, { response_type: "code", client_id: "abc", redirect_uri: "gpodder://cb", scope: "flattr", state: "x" });
});
