// The popup: this page's receiver and whether the money reaches its creator, attention
// today on it and the seconds to its next flattr, "Flattr now", pause everywhere, this
// site off, this month's flattrs and budget, visits (opt-in), sign in and out. Text only, built without HTML strings.
import { SITE } from "./config.js";
import { monthLines } from "./month.js";
import { trackableUrl } from "./sensing.js";
import { whenSettled } from "./settle.js";

const RESOLVE_CACHE = "resolved"; // url -> {day, answer}: one lookup per page per day

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  for (const child of children.flat()) if (child != null) node.append(child);
  return node;
}

async function api(method, path, token, body) {
  try {
    const response = await fetch(`${SITE}${path}`, {
      method,
      headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body ? { "Content-Type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { ok: response.ok, status: response.status, data: await response.json().catch(() => ({})) };
  } catch {
    return { ok: false, status: 0, data: {} };
  }
}


async function resolved(url) {
  const day = new Date().toISOString().slice(0, 10);
  const { [RESOLVE_CACHE]: cache = {} } = await chrome.storage.local.get([RESOLVE_CACHE]);
  if (cache[url] && cache[url].day === day) return cache[url].answer;
  const answer = await api("GET", `/v1/resolve?url=${encodeURIComponent(url)}`);
  if (!answer.ok || answer.data.pending) return answer; // asked again next time: it settles
  const kept = Object.fromEntries(Object.entries(cache).filter(([, v]) => v.day === day));
  await chrome.storage.local.set({ [RESOLVE_CACHE]: { ...kept, [url]: { day, answer } } });
  return answer;
}

function signInView() {
  return [
    el("h1", {}, "Flattr"),
    el("p", {}, "Sign in to give to what you read, watch and listen to."),
    el("button", { type: "button", id: "sign-in", onclick: () => chrome.tabs.create({ url: `${SITE}/oauth/ext` }) }, "Sign in"),
  ];
}

/** Seconds of this page still in the outbox: the server has not counted them yet. */
function unsent(outbox, url) {
  return ((outbox && outbox.items) || []).filter((r) => r.url === url).reduce((sum, r) => sum + r.active_seconds, 0);
}

/** Today's attention on the page (all devices: the server's count and what waits here) and
 * the seconds to its next flattr; offline, this browser's own count. */
async function attentionLine(url, token) {
  const { today, outbox } = await chrome.storage.local.get(["today", "outbox"]);
  const waiting = unsent(outbox, url);
  const counted = await api("GET", `/v1/attention?url=${encodeURIComponent(url)}`, token);
  if (!counted.ok) {
    const seconds = ((today && today.pages) || {})[url] || 0;
    return `Attention today on this page: ${seconds} s.`;
  }
  const { seconds, next_flattr_in: next } = counted.data;
  const then = next === null
    ? "It has had all of today's flattrs."
    : `Next flattr after ${Math.max(0, next - waiting)} s more.`;
  return `Attention today on this page: ${seconds + waiting} s. ${then}`;
}

function receiverLine(answer, who) {
  if (answer.ok && answer.data.reason === "search_page") return "A search is yours alone: it is never counted or flattred.";
  if (!answer.ok || !answer.data.flattrable) return "Nobody can be flattred for this page.";
  if (answer.data.pending) return "Looking up who made this page; flattrs wait for the answer.";
  return `Goes to ${who}${answer.data.goes_to_creator ? "" : " (held until they claim it)"}.`;
}

async function pageView(tab, token, flattred) {
  if (!tab || !trackableUrl(tab.url || "")) return [el("p", { class: "muted" }, "This page is not counted.")];
  const site = new URL(tab.url).hostname.replace(/^www\./, "");
  const answer = await resolved(tab.url);
  const flattrable = answer.ok && answer.data.flattrable;
  const who = answer.ok && answer.data.recipient ? answer.data.recipient.display_name : null;
  const attention = el("p", { id: "attention-today" }, flattrable ? await attentionLine(tab.url, token) : "");
  const status = el("p", { id: "flattr-status", role: "status" });
  const flattrNow = async () => {
    const made = await api("POST", "/v1/flattrs", token, { event_id: crypto.randomUUID(), url: tab.url });
    status.textContent = made.ok ? "Flattred." : (made.data.detail || "That did not work.");
    status.className = made.ok ? "" : "error";
    attention.textContent = await attentionLine(tab.url, token);
    if (made.ok) await flattred();
  };
  const { sitesOff = [] } = await chrome.storage.local.get(["sitesOff"]);
  const siteOff = el("input", { type: "checkbox", id: "site-off", ...(sitesOff.includes(site) ? { checked: "" } : {}) });
  siteOff.addEventListener("change", () => chrome.runtime.sendMessage({ type: "site-off", site, off: siteOff.checked }));
  const receiver = el("p", { id: "receiver" }, receiverLine(answer, who || site));
  // Its owner being looked up: asked again while the popup is open, said when known.
  whenSettled(answer, () => resolved(tab.url), (settled) => {
    receiver.textContent = receiverLine(settled, settled.data.recipient ? settled.data.recipient.display_name : site);
  });
  return [
    receiver,
    attention,
    flattrable ? el("button", { type: "button", id: "flattr-now", onclick: flattrNow }, "Flattr now") : "",
    status,
    el("label", {}, siteOff, ` Do not count ${site}`),
  ];
}

/** The page the popup is about: the active tab, or (the popup opened as a tab of its own)
 * the web page used last. */
async function pageTab() {
  const [active] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
  if (active && /^https?:/.test(active.url || "")) return active;
  const pages = (await chrome.tabs.query({})).filter((t) => /^https?:/.test(t.url || ""));
  pages.sort((a, b) => (b.lastAccessed || 0) - (a.lastAccessed || 0));
  return pages[0] || null;
}

/** This month's flattrs and budget, from ``GET /v1/me/balance``, and a warning with the way
 * to top up when the balance falls short of the budget. */
function showMonth(line, month) {
  line.className = month.ok ? "" : "muted";
  if (!month.ok) {
    line.replaceChildren("The service does not answer; reports wait and are sent later.");
    return;
  }
  const { month: text, short } = monthLines(month.data);
  line.replaceChildren(
    text,
    short
      ? el("span", { id: "short", class: "warning" }, " ", short, " ",
          el("a", { href: `${SITE}/money`, target: "_blank", rel: "noopener" }, "Top up"))
      : "",
  );
}

async function draw() {
  // What waits is sent first: the popup shows the server's count (and its flattrs) of now.
  await chrome.runtime.sendMessage({ type: "flush" });
  const local = await chrome.storage.local.get(["token", "paused", "outbox", "visits"]);
  const root = document.getElementById("popup");
  if (!local.token) return root.replaceChildren(...signInView());
  const tab = await pageTab();
  const month = await api("GET", "/v1/me/balance", local.token);
  if (month.status === 401) {
    await chrome.runtime.sendMessage({ type: "sign-out" });
    return root.replaceChildren(...signInView());
  }
  const pause = el("input", { type: "checkbox", id: "pause", ...(local.paused ? { checked: "" } : {}) });
  pause.addEventListener("change", () => chrome.runtime.sendMessage({ type: "pause", paused: pause.checked }));
  const dropped = (local.outbox && local.outbox.dropped) || 0;
  const visits = el("input", { type: "checkbox", id: "visits", ...(local.visits ? { checked: "" } : {}) });
  visits.addEventListener("change", async () => {
    // Asked only now, with the person's click: reading the browsing history is opt-in.
    const on = visits.checked
      ? await chrome.permissions.request({ permissions: ["history"] })
      : !(await chrome.permissions.remove({ permissions: ["history"] }));
    visits.checked = on;
    await chrome.runtime.sendMessage({ type: "visits", on });
  });
  const monthLine = el("p", { id: "month" });
  showMonth(monthLine, month);
  const flattred = async () => showMonth(monthLine, await api("GET", "/v1/me/balance", local.token));
  root.replaceChildren(
    el("h1", {}, "Flattr"),
    ...(await pageView(tab, local.token, flattred)),
    el("label", {}, pause, " Pause everywhere"),
    el("label", {}, visits, " Count visits to sites I come back to (reads my history)"),
    monthLine,
    dropped ? el("p", { class: "error" }, `${dropped} reports were dropped while offline (the outbox was full).`) : "",
    el("button", { type: "button", class: "secondary", id: "sign-out", onclick: async () => {
      await chrome.runtime.sendMessage({ type: "sign-out" });
      draw();
    } }, "Sign out"),
  );
}

draw();
