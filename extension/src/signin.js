// On the website's extension sign-in page (/oauth/ext) only: the extension's side of its
// DOM-event protocol (the same as the open-source Flattr extension's). The page asks, we
// say who we are, it hands a device token, we keep it (in the worker) and confirm. The page
// sends each event also as a window message: in Chromium a CustomEvent's detail made in the
// page's world does not reach a content script's, a message's data does.
(() => {
  const version = chrome.runtime.getManifest().version;
  const send = (name, detail) => {
    document.dispatchEvent(new CustomEvent(name, { detail }));
    window.postMessage({ flattr: name, detail }, location.origin);
  };
  let authenticating = false;
  window.addEventListener("message", async (event) => {
    if (event.source !== window || !event.data || typeof event.data.flattr !== "string") return;
    const { flattr: name, detail } = event.data;
    if (name === "flattr-trigger" && detail && detail.action === "authentication") {
      send("flattr-authenticate", { build: "flattr-serverless", id: chrome.runtime.id, version });
    }
    if (name === "flattr-token" && !authenticating) {
      authenticating = true;
      const token = detail && detail.accessToken;
      if (typeof token !== "string" || !token.startsWith("fd_")) {
        send("flattr-authenticated", { authenticated: false });
        return;
      }
      const answer = await chrome.runtime.sendMessage({ type: "token", token });
      send("flattr-authenticated", { authenticated: Boolean(answer && answer.authenticated) });
    }
  });
  sessionStorage.setItem("extension", version);
  send("flattr-installed", { version });
})();
