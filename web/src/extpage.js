// /oauth/ext: the extension sign-in page, for our extension and the open-source Flattr
// extension alike. Its content script on this page says it is there (the DOM event
// flattr-installed, or sessionStorage.extension when it came first); the page asks it to
// authenticate (flattr-trigger), it answers who it is (flattr-authenticate); the page makes
// a device token (POST /v1/me/devices) and hands it over (flattr-token) with whether a
// budget is set; the extension confirms (flattr-authenticated).
import { api } from "./api.js";
import { el, say, show } from "./dom.js";
import { signedInOr } from "./pages.js";
import { STRINGS as S } from "./strings.js";

const WAIT_MS = 4000;

// Each event goes both ways a content script may read it: as the DOM event the Flattr
// extension listens for, and as a window message (a CustomEvent's detail made in one world
// does not reach the other in Chromium; a message's data is cloned across).
function send(name, detail) {
  document.dispatchEvent(new CustomEvent(name, { detail }));
  window.postMessage({ flattr: name, detail }, location.origin);
}

function on(name, handle) {
  let done = false;
  const once = (detail) => {
    if (done) return;
    done = true;
    handle(detail);
  };
  document.addEventListener(name, (event) => once(event.detail));
  window.addEventListener("message", (event) => {
    if (event.source === window && event.data && event.data.flattr === name) once(event.data.detail);
  });
}

function deviceName(info) {
  const version = info && typeof info.version === "string" ? ` ${info.version.slice(0, 20)}` : "";
  return `${S.extDeviceName}${version}`;
}

export async function extensionSignIn() {
  const intro = el("p", {}, S.extIntro);
  if (!(await signedInOr(S.extTitle, "/oauth/ext", intro))) return;
  const status = el("p", { id: "ext-status", role: "status" }, S.extWaiting);
  show(el("h1", {}, S.extTitle), intro, status);
  let started = false;
  const begin = () => {
    if (started) return;
    started = true;
    send("flattr-trigger", { action: "authentication" });
  };
  on("flattr-authenticate", async (detail) => {
    const made = await api("POST", "/v1/me/devices", { name: deviceName(detail) });
    if (!made.ok) return say(status, made, "");
    const me = await api("GET", "/v1/me");
    const active = Boolean(me.ok && Number(me.data.monthly_budget.amount) > 0);
    send("flattr-token", { accessToken: made.data.token, subscription: { active } });
  });
  on("flattr-authenticated", (detail) => {
    const done = Boolean(detail && detail.authenticated);
    status.textContent = done ? S.extDone : S.extRefused;
    status.className = done ? "" : "error";
  });
  on("flattr-installed", begin);
  if (sessionStorage.getItem("extension")) begin();
  setTimeout(() => {
    if (!started) status.textContent = S.extMissing;
  }, WAIT_MS);
}
