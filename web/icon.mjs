// The touch icon (180 x 180 PNG) drawn from the same shapes as favicon.svg, so that no
// binary file is kept in the repository: PNG written with node's zlib (RFC 2083).
import { deflateSync } from "node:zlib";

const SIZE = 180;
const BLUE = [0x0b, 0x5c, 0xad];
const WHITE = [0xff, 0xff, 0xff];

/** Is (x, y), in the favicon's 32-unit square, on the white "f"? */
function onMark(x, y) {
  const stem = x >= 11 && x <= 15.5 && y >= 11 && y <= 26;
  const bar = x >= 11 && x <= 21 && y >= 14 && y <= 18;
  const top = x >= 13 && x <= 21 && y >= 7 && y <= 11;
  const corner = x >= 11 && x <= 13 && y >= 9 && y <= 12 && Math.hypot(x - 14.5, y - 10.5) <= 3.6;
  return stem || bar || top || corner;
}

function crc32(bytes) {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k += 1) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "ascii");
  const tail = Buffer.alloc(4);
  tail.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type, "ascii"), data])), 0);
  return Buffer.concat([head, data, tail]);
}

export function touchIcon() {
  const rows = [];
  for (let y = 0; y < SIZE; y += 1) {
    const row = Buffer.alloc(1 + SIZE * 3); // filter byte 0, then RGB
    for (let x = 0; x < SIZE; x += 1) {
      const colour = onMark(((x + 0.5) * 32) / SIZE, ((y + 0.5) * 32) / SIZE) ? WHITE : BLUE;
      row.set(colour, 1 + x * 3);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(SIZE, 0);
  header.writeUInt32BE(SIZE, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, RGB, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.concat(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}
