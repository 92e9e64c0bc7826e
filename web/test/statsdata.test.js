import assert from "node:assert/strict";
import { test } from "node:test";
import { buttonSnippet, statsSeries } from "../src/statsdata.js";

test("stats become chart columns, in the API's order", () => {
  const stats = {
    items: [
      { month: "2031-05", flattrs: 3, money_split: { amount: "5.000000" }, creators_paid: 1, share_claimed: "0.3125" },
      { month: "2031-06", flattrs: 7, money_split: { amount: "12.000000" }, creators_paid: 2, share_claimed: "1.0000" },
    ],
  };
  assert.deepEqual(statsSeries(stats), {
    months: ["2031-05", "2031-06"],
    x: [0, 1],
    flattrs: [3, 7],
    money: [5, 12],
    creators: [1, 2],
    sharePercent: [31.3, 100],
  });
});

test("the button snippet is a link with an image, its URL encoded and escaped", () => {
  const snippet = buttonSnippet("https://flattr.example", "https://blog.example/a?b=1&c=\"2\"");
  assert.equal(
    snippet,
    '<a href="https://flattr.example/flattr?url=https%3A%2F%2Fblog.example%2Fa%3Fb%3D1%26c%3D%222%22">' +
      '<img src="https://flattr.example/button.svg" alt="Flattr this" width="92" height="24"></a>',
  );
  assert.ok(!snippet.includes("<script"));
});
