// On every page: that a trusted user input happened (never what it was, never page
// content), at most once a second, and whether the page is visible.
(() => {
  let last = 0;
  const tell = (event) => {
    if (!event.isTrusted) return;
    const now = Date.now();
    if (now - last < 1000) return;
    last = now;
    chrome.runtime.sendMessage({ type: "input" }).catch(() => {});
  };
  for (const kind of ["click", "keydown", "scroll", "wheel", "mousemove", "touchstart"]) {
    addEventListener(kind, tell, { passive: true, capture: true });
  }
  document.addEventListener("visibilitychange", () => {
    chrome.runtime.sendMessage({ type: "visible", visible: document.visibilityState === "visible" }).catch(() => {});
  });
})();
