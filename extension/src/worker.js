// The service worker (Manifest V3). It keeps nothing in memory between events: MV3 stops
// it after ~30 s idle. The attention state lives in chrome.storage.session, the outbox,
// the token and the settings in chrome.storage.local; every event is applied in order.
import { SITE } from "./config.js";
import { isDone, learnDone, withoutDone } from "./done.js";
import { add, body, emptyOutbox, nextBatch, settle, signedIn } from "./outbox.js";
import { addToday, initialState, step, trackableUrl } from "./sensing.js";
import { visitItem, visitsBody } from "./visits.js";

const TICK = "tick";
let chain = Promise.resolve();

/** Events one at a time (within one life of the worker; across lives, storage keeps state). */
function serially(work) {
  chain = chain.then(work, work);
  return chain;
}

async function load() {
  const session = await chrome.storage.session.get(["sensing"]);
  const local = await chrome.storage.local.get(["outbox", "token", "paused", "sitesOff", "today", "done"]);
  const sensing = {
    ...(session.sensing || initialState()),
    signedIn: Boolean(local.token),
    paused: Boolean(local.paused),
    sitesOff: local.sitesOff || [],
  };
  return {
    sensing,
    outbox: local.outbox || emptyOutbox(),
    token: local.token || null,
    today: local.today || null,
    done: local.done || {},
  };
}

/** One event through the sensing logic; its report, if any, into the outbox. */
export function handle(event) {
  return serially(async () => {
    const now = Date.now();
    const { sensing, outbox, today, done } = await load();
    const { state, report } = step(sensing, { ...event, at: now });
    let box = outbox;
    if (report) {
      const made = { url: report.url, kind: report.kind, active_seconds: report.seconds, at: report.at };
      // A page done for the day is not reported again (the popup still counts its seconds).
      if (!isDone(done, made, now)) box = add(box, made, crypto.randomUUID(), now);
    }
    await chrome.storage.session.set({ sensing: state });
    await chrome.storage.local.set({ outbox: box, today: addToday(today, report, now) });
    // Sent when the oldest report is two minutes old; at once when the tab or sign-in changed.
    await flush(["closed", "signed"].includes(event.type));
  });
}

/** Sends what waits, as far as the API and the backoff allow. */
async function deviceId() {
  const { deviceId: known } = await chrome.storage.local.get(["deviceId"]);
  if (known) return known;
  const made = crypto.randomUUID(); // which installation reported (several devices, one day)
  await chrome.storage.local.set({ deviceId: made });
  return made;
}

// The two outboxes: attention reports, and visits (only with the person's consent).
const SENDS = {
  outbox: { path: "/v1/attention", field: "reports", shape: body },
  visitsOutbox: { path: "/v1/visits", field: "visits", shape: visitsBody },
};

async function flush(force = false) {
  for (const key of Object.keys(SENDS)) await send(key, force);
}

async function send(key, force) {
  const device = await deviceId();
  const { path, field, shape } = SENDS[key];
  for (;;) {
    const { [key]: box = emptyOutbox(), token, today } = await chrome.storage.local.get([key, "token", "today"]);
    const batch = nextBatch(box, Date.now(), force);
    if (!batch || !token) return;
    let answer;
    try {
      const response = await fetch(`${SITE}${path}`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: JSON.stringify({ device_id: device, [field]: shape(batch, today) }),
      });
      answer = { status: response.status, retryAfter: response.headers.get("Retry-After") };
      if (key === "outbox" && response.ok) answer.json = await response.json().catch(() => null);
    } catch {
      answer = { status: 0 }; // offline, or the service is down
    }
    const now = (await chrome.storage.local.get([key]))[key] || emptyOutbox();
    let settled = settle(now, batch, answer, Date.now());
    if (answer.json) {
      const done = learnDone((await chrome.storage.local.get(["done"])).done, batch, answer.json, Date.now());
      settled = withoutDone(settled, done, Date.now());
      await chrome.storage.local.set({ done });
    }
    await chrome.storage.local.set({ [key]: settled });
    if (answer.status === 401) await signOut();
    if (answer.status < 200 || answer.status >= 300) return;
  }
}

// Visits count only with consent: the optional ``history`` permission, asked for by the
// popup's switch. Its events exist only once it is granted.
let listening = false;
function listenForVisits() {
  if (listening || !chrome.history) return;
  listening = true;
  chrome.history.onVisited.addListener((item) => serially(() => visited(item)));
}

async function visited(item) {
  const { visits, visitsOutbox, today } = await chrome.storage.local.get(["visits", "visitsOutbox", "today"]);
  if (visits !== true || !trackableUrl(item.url || "")) return;
  const at = new Date(item.lastVisitTime || Date.now()).toISOString();
  const visit = visitItem(item.url, at, today);
  const box = add(visitsOutbox || emptyOutbox(), visit, crypto.randomUUID(), Date.now());
  await chrome.storage.local.set({ visitsOutbox: box });
  await send("visitsOutbox", false);
}

listenForVisits();
chrome.permissions.onAdded.addListener(listenForVisits);

async function signOut() {
  await chrome.storage.local.remove(["token", "done"]); // done pages were that account's
}

async function activeTab() {
  const [tab] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
  return tab ? { type: "tab", tab: describe(tab) } : { type: "closed", tabId: -1 };
}

function describe(tab) {
  return {
    id: tab.id,
    url: tab.url || "",
    incognito: tab.incognito,
    audible: Boolean(tab.audible),
    muted: Boolean(tab.mutedInfo && tab.mutedInfo.muted),
    visible: true,
  };
}

chrome.tabs.onActivated.addListener(async () => handle(await activeTab()));
chrome.tabs.onUpdated.addListener(async (_id, change, tab) => {
  if (tab.active && (change.url || "audible" in change || change.mutedInfo || change.status === "complete")) {
    await handle({ type: "tab", tab: describe(tab) });
  }
});
chrome.tabs.onRemoved.addListener((tabId) => handle({ type: "closed", tabId }));
chrome.windows.onFocusChanged.addListener(async (windowId) => {
  await handle({ type: "focus", focused: windowId !== chrome.windows.WINDOW_ID_NONE });
  if (windowId !== chrome.windows.WINDOW_ID_NONE) await handle(await activeTab());
});
chrome.idle.setDetectionInterval(60);
chrome.idle.onStateChanged.addListener((state) => handle({ type: "idle", state }));
chrome.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === TICK) handle({ type: TICK });
});
chrome.runtime.onInstalled.addListener(() => chrome.alarms.create(TICK, { periodInMinutes: 0.5 }));
chrome.runtime.onStartup.addListener(() => chrome.alarms.create(TICK, { periodInMinutes: 0.5 }));

chrome.runtime.onMessage.addListener((message, sender, reply) => {
  answer(message, sender).then(reply, (error) => reply({ error: String(error) }));
  return true; // the answer comes later
});

async function answer(message, sender) {
  switch (message.type) {
    case "input":
      if (sender.tab) await handle({ type: "input", tabId: sender.tab.id });
      return {};
    case "visible":
      if (sender.tab && sender.tab.active) await handle({ type: "tab", tab: { ...describe(sender.tab), visible: message.visible } });
      return {};
    case "token": // from the website's /oauth/ext page, through the sign-in content script
      await chrome.storage.local.set({ token: message.token });
      await chrome.storage.local.set({ outbox: signedIn((await load()).outbox) });
      await handle({ type: "signed", signedIn: true });
      return { authenticated: true };
    case "sign-out":
      await signOut();
      await handle({ type: "signed", signedIn: false });
      return {};
    case "pause":
      await chrome.storage.local.set({ paused: message.paused });
      await handle({ type: "pause", paused: message.paused });
      return {};
    case "site-off": {
      const { sitesOff = [] } = await chrome.storage.local.get(["sitesOff"]);
      const next = message.off ? [...new Set([...sitesOff, message.site])] : sitesOff.filter((s) => s !== message.site);
      await chrome.storage.local.set({ sitesOff: next });
      await handle({ type: "sites", sitesOff: next });
      return {};
    }
    case "visits": // the person said yes (the popup asked for the permission) or no
      await chrome.storage.local.set({ visits: message.on });
      if (!message.on) await chrome.storage.local.remove(["visitsOutbox"]);
      listenForVisits();
      return {};
    case "flush":
      await serially(() => flush(true));
      return (await load()).outbox;
    default:
      return { error: "unknown message" };
  }
}
