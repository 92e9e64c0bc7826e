// Bundles and minifies the site's modules into dist/, beside its static files.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { build } from "esbuild";
import { touchIcon } from "./icon.mjs";

rmSync("dist", { recursive: true, force: true });
mkdirSync("dist");
cpSync("public", "dist", { recursive: true });
cpSync("node_modules/uplot/dist/uPlot.min.css", "dist/uplot.css");
writeFileSync("dist/apple-touch-icon.png", touchIcon());
await build({
  entryPoints: ["src/main.js"],
  bundle: true,
  minify: true,
  format: "esm",
  target: "es2022",
  outfile: "dist/app.js",
  legalComments: "none",
});
