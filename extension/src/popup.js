// The popup: this page's receiver and whether the money reaches its creator, attention
// today on it, "Flattr now", pause everywhere, this site off, this month's flattrs and
// budget, sign in and out. Text only, built without HTML strings.
import { SITE } from "./config.js";
import { trackableUrl } from "./sensing.js";

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

/** "5.000000" → "5.00": the API's decimal string cut to cents, no float on the way. */
function cents(amount) {
  const [whole, fraction = ""] = String(amount).split(".");
  return `${whole}.${fraction.padEnd(2, "0").slice(0, 2)}`;
}

async function resolved(url) {
  const day = new Date().toISOString().slice(0, 10);
  const { [RESOLVE_CACHE]: cache = {} } = await chrome.storage.local.get([RESOLVE_CACHE]);
  if (cache[url] && cache[url].day === day) return cache[url].answer;
  const answer = await api("GET", `/v1/resolve?url=${encodeURIComponent(url)}`);
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

async function pageView(tab, token, local) {
  if (!tab || !trackableUrl(tab.url || "")) return [el("p", { class: "muted" }, "This page is not counted.")];
  const site = new URL(tab.url).hostname.replace(/^www\./, "");
  const answer = await resolved(tab.url);
  const who = answer.ok && answer.data.recipient ? answer.data.recipient.display_name : null;
  const seconds = ((local.today && local.today.pages) || {})[tab.url] || 0;
  const status = el("p", { id: "flattr-status", role: "status" });
  const flattrNow = async () => {
    const made = await api("POST", "/v1/flattrs", token, { event_id: crypto.randomUUID(), url: tab.url });
    status.textContent = made.ok ? "Flattred." : (made.data.detail || "That did not work.");
    status.className = made.ok ? "" : "error";
  };
  const siteOff = el("input", { type: "checkbox", id: "site-off", ...((local.sitesOff || []).includes(site) ? { checked: "" } : {}) });
  siteOff.addEventListener("change", () => chrome.runtime.sendMessage({ type: "site-off", site, off: siteOff.checked }));
  return [
    el("p", { id: "receiver" }, answer.ok && answer.data.flattrable
      ? `Goes to ${who || site}${answer.data.goes_to_creator ? "" : " (held until they claim it)"}.`
      : "Nobody can be flattred for this page."),
    el("p", { id: "attention-today" }, `Attention today on this page: ${seconds} s.`),
    answer.ok && answer.data.flattrable ? el("button", { type: "button", id: "flattr-now", onclick: flattrNow }, "Flattr now") : "",
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

async function draw() {
  const local = await chrome.storage.local.get(["token", "paused", "sitesOff", "today", "outbox", "visits"]);
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
  root.replaceChildren(
    el("h1", {}, "Flattr"),
    ...(await pageView(tab, local.token, local)),
    el("label", {}, pause, " Pause everywhere"),
    el("label", {}, visits, " Count visits to sites I come back to (reads my history)"),
    month.ok
      ? el("p", { id: "month" }, `This month: ${month.data.flattrs} flattrs, budget €${cents(month.data.monthly_budget.amount)}.`)
      : el("p", { class: "muted" }, "The service does not answer; reports wait and are sent later."),
    dropped ? el("p", { class: "error" }, `${dropped} reports were dropped while offline (the outbox was full).`) : "",
    el("button", { type: "button", class: "secondary", id: "sign-out", onclick: async () => {
      await chrome.runtime.sendMessage({ type: "sign-out" });
      draw();
    } }, "Sign out"),
  );
}

draw();
