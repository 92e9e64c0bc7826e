// A QR code for two-step sign-in (issue 31, item 8: "the secret has to be typed"): the
// otpauth:// link encoded by uqr (a kept library), drawn as one SVG path built with DOM
// calls. The code is black on white whatever the colour scheme: scanners expect that.
import { encode } from "uqr";

/** The SVG path data for the dark modules of ``text``'s QR code, and its size in modules. */
export function qrPath(text) {
  const { data, size } = encode(text, { border: 0, ecc: "M" });
  const parts = [];
  data.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (dark) parts.push(`M${x} ${y}h1v1h-1z`);
    });
  });
  return { d: parts.join(""), size };
}

const SVG = "http://www.w3.org/2000/svg";

/** The code as an image with ``label`` for screen readers. */
export function qrImage(text, label) {
  const { d, size } = qrPath(text);
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `-2 -2 ${size + 4} ${size + 4}`); // the quiet zone, 2 modules
  svg.setAttribute("class", "qr");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  svg.setAttribute("shape-rendering", "crispEdges");
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", d);
  path.setAttribute("fill", "#000");
  svg.append(path);
  return svg;
}
