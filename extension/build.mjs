// Builds the extension for a service at SITE (default https://flattr.example.org): the
// Chromium build (dist/chromium, zipped by make extension) and the Firefox one
// (dist/firefox: background scripts instead of a service worker, a gecko id). Plain ES
// modules: nothing to bundle, the files are copied and the manifest written.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const site = new URL(process.env.SITE || "https://flattr.example.org");
const flushAfterMs = 1000 * Number(process.env.FLUSH_AFTER_SECONDS || 120);
const out = process.env.OUT || join(here, "dist");
const pkg = JSON.parse(readFileSync(join(here, "package.json"), "utf8"));
// For the browser tests only: optional permissions granted at install (GRANTED=history),
// since no automated browser can answer the permission prompt. Never for a release.
const granted = (process.env.GRANTED || "").split(",").filter(Boolean);

// Match patterns name no port: a local stack on 127.0.0.1:8000 matches http://127.0.0.1/*.
const siteMatch = `${site.protocol}//${site.hostname}/*`;

function manifest(browser) {
  const common = {
    manifest_version: 3,
    name: "Flattr",
    version: pkg.version,
    description: "Gives your monthly Flattr budget to what you read, watch and listen to.",
    // What each permission is for: README, "Browser extensions".
    permissions: ["storage", "alarms", "idle", "tabs", ...granted],
    optional_permissions: ["history"].filter((p) => !granted.includes(p)),
    host_permissions: ["<all_urls>"],
    incognito: "not_allowed",
    action: { default_popup: "popup.html", default_title: "Flattr" },
    content_scripts: [
      { matches: ["<all_urls>"], js: ["src/input.js"], run_at: "document_idle" },
      { matches: [`${siteMatch.replace(/\/\*$/, "")}/oauth/ext*`], js: ["src/signin.js"], run_at: "document_start" },
    ],
  };
  if (browser === "firefox") {
    return {
      ...common,
      background: { scripts: ["src/worker.js"], type: "module" },
      browser_specific_settings: {
        gecko: {
          id: "extension@flattr-serverless.example.org",
          strict_min_version: "142.0",
          // What leaves the browser: the addresses of pages read (and, with consent, visits).
          data_collection_permissions: { required: ["browsingActivity"] },
        },
      },
    };
  }
  return { ...common, background: { service_worker: "src/worker.js", type: "module" } };
}

for (const browser of ["chromium", "firefox"]) {
  const target = join(out, browser);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(join(target, "src"), { recursive: true });
  cpSync(join(here, "src"), join(target, "src"), { recursive: true });
  for (const file of ["popup.html", "popup.css"]) cpSync(join(here, file), join(target, file));
  writeFileSync(
    join(target, "src", "config.js"),
    `export const SITE = ${JSON.stringify(site.origin)};\nexport const FLUSH_AFTER_MS = ${flushAfterMs};\n`,
  );
  writeFileSync(join(target, "manifest.json"), `${JSON.stringify(manifest(browser), null, 2)}\n`);
}
console.log(`extension for ${site.origin}: ${out}/chromium, ${out}/firefox`);
