import assert from "node:assert/strict";
import { test } from "node:test";
import { encode } from "uqr";
import { qrPath } from "../src/qr.js";

const URI = "otpauth://totp/Flattr:ada%40example.org?secret=JBSWY3DPEHPK3PXP&issuer=Flattr";

/** The dark modules a path draws, back as a set of "x,y". */
function drawn(d) {
  return new Set([...d.matchAll(/M(\d+) (\d+)h1v1h-1z/g)].map((m) => `${m[1]},${m[2]}`));
}

test("the path draws exactly the code's dark modules", () => {
  const { d, size } = qrPath(URI);
  const { data } = encode(URI, { border: 0, ecc: "M" });
  const expected = new Set();
  data.forEach((row, y) => row.forEach((dark, x) => dark && expected.add(`${x},${y}`)));
  assert.deepEqual(drawn(d), expected);
  assert.equal(size, data.length);
});

test("it is a QR code: finder patterns in three corners", () => {
  const { d, size } = qrPath(URI);
  const dark = drawn(d);
  for (const [ox, oy] of [[0, 0], [size - 7, 0], [0, size - 7]]) {
    for (let i = 0; i < 7; i += 1) {
      // The finder's outer ring is dark all round; the ring inside it light.
      for (const [x, y] of [[i, 0], [i, 6], [0, i], [6, i]]) assert.ok(dark.has(`${ox + x},${oy + y}`));
      for (const [x, y] of [[1, 1], [5, 1], [1, 5], [5, 5]]) assert.ok(!dark.has(`${ox + x},${oy + y}`));
    }
  }
});
