// What counts as attention, as a pure function of events and an injected clock: the
// extension's service worker keeps no timers and no in-memory state (MV3 stops it after
// ~30 s idle), so the state lives in chrome.storage.session and every event brings the
// time; what happened since the last event is credited when the next one arrives.
//
// Counted: the selected tab of a focused window, its page visible, with a trusted user
// input (click, key, scroll, zoom, mouse move, tab selected, idle back to active) within
// the last 15 s; an audible, unmuted tab counts as media attention while it plays. Never:
// when the system is idle or locked, in a private window, when signed out or paused, on a
// site turned off, on localhost or an IP address. The thresholds stay on the server.

export const INPUT_WINDOW_MS = 15_000;

export function initialState() {
  return {
    focused: true,
    idle: false,
    signedIn: false,
    paused: false,
    sitesOff: [],
    tab: null, // { id, url, incognito, visible, audible, muted }
    lastInput: 0, // ms
    since: null, // ms: counting since, or null
    carry: {}, // url -> ms not yet reported (reports are whole seconds)
  };
}

/** http(s) pages of a public-looking host only: not localhost, not an IP address. */
export function trackableUrl(url) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return false;
  const host = parsed.hostname.toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost") || !host.includes(".")) return false;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.startsWith("[")) return false;
  return true;
}

function siteOf(url) {
  return new URL(url).hostname.toLowerCase().replace(/^www\./, "");
}

/** Whether the tab's page may count at all (before the input window or sound). */
export function eligible(state) {
  const tab = state.tab;
  return Boolean(
    tab && state.focused && !state.idle && state.signedIn && !state.paused &&
      !tab.incognito && tab.visible !== false && trackableUrl(tab.url) &&
      !state.sitesOff.includes(siteOf(tab.url)),
  );
}

function media(state) {
  return Boolean(state.tab && state.tab.audible && !state.tab.muted);
}

/** The ms of attention between ``state.since`` and ``now``, and its kind. */
function earned(state, now) {
  if (state.since === null || !eligible(state)) return { ms: 0, kind: "text" };
  if (media(state)) return { ms: Math.max(0, now - state.since), kind: "media" };
  const until = Math.min(now, state.lastInput + INPUT_WINDOW_MS);
  return { ms: Math.max(0, until - state.since), kind: "text" };
}

function apply(state, event) {
  switch (event.type) {
    case "input":
      if (state.tab && event.tabId === state.tab.id) state.lastInput = event.at;
      return;
    case "tab": // selected, or its page, sound or visibility changed
      if (!state.tab || state.tab.id !== event.tab.id) state.lastInput = event.at; // a selection is an input
      state.tab = { ...event.tab };
      return;
    case "closed":
      if (state.tab && state.tab.id === event.tabId) state.tab = null;
      return;
    case "focus":
      state.focused = event.focused;
      return;
    case "idle":
      state.idle = event.state !== "active";
      if (!state.idle) state.lastInput = event.at;
      return;
    case "pause":
      state.paused = event.paused;
      return;
    case "signed":
      state.signedIn = event.signedIn;
      return;
    case "sites":
      state.sitesOff = [...event.sitesOff];
      return;
    default: // "tick": an alarm, only to credit what passed
  }
}

/**
 * One event at ``event.at`` (ms). Answers the next state (the old one is not changed) and
 * the report it makes, if any: ``{url, kind, seconds, at}`` for the page the time was on.
 */
export function step(previous, event) {
  const state = structuredClone(previous);
  const now = event.at;
  const { ms, kind } = earned(state, now);
  let report = null;
  if (ms > 0 && state.tab) {
    const url = state.tab.url;
    const total = (state.carry[url] || 0) + ms;
    const seconds = Math.floor(total / 1000);
    state.carry = { [url]: total - seconds * 1000 }; // only the current page's remainder
    if (seconds > 0) report = { url, kind, seconds, at: new Date(now).toISOString() };
  }
  const before = state.tab && state.tab.url;
  apply(state, event);
  if (!state.tab || state.tab.url !== before) state.carry = {};
  state.since = eligible(state) ? now : null;
  return { state, report };
}

/** Today's seconds per page (the popup's "attention today"); yesterday's are dropped. */
export function addToday(today, report, now) {
  const day = new Date(now).toISOString().slice(0, 10);
  const pages = today && today.day === day ? { ...today.pages } : {};
  if (report) pages[report.url] = (pages[report.url] || 0) + report.seconds;
  return { day, pages };
}
