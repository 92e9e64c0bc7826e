// The site's entry: a small router over the pages (history API; the stack and CloudFront
// answer every page path with index.html).
import { accessToken, signOut } from "./auth.js";
import { el } from "./dom.js";
import { consentPage, developersPage } from "./apps.js";
import { claimPage } from "./claimpage.js";
import { creatorPage, emailProofPage } from "./creator.js";
import { extensionSignIn } from "./extpage.js";
import { historyPage } from "./historypage.js";
import { moneyPage } from "./money.js";
import { profilePage } from "./profile.js";
import { account, dashboard, home, signedIn } from "./pages.js";
import { buttonPage, cataloguePage, flattrPage, receiverPage, statsPage } from "./public.js";
import { STRINGS as S } from "./strings.js";

const ROUTES = {
  "/": home,
  "/signed-in": signedIn,
  "/dashboard": dashboard,
  "/history": historyPage,
  "/account": account,
  "/money": moneyPage,
  "/creator": creatorPage,
  "/creator/claim": claimPage,
  "/creator/email": emailProofPage,
  "/catalogue": cataloguePage,
  "/receiver": receiverPage,
  "/r": receiverPage,
  "/stats": statsPage,
  "/flattr": flattrPage,
  // Flattr's auto-submit links (api.md): who receives, and a flattr button, as /flattr.
  "/submit/auto": flattrPage,
  "/button": buttonPage,
  "/oauth/ext": extensionSignIn,
  "/oauth/authorize": consentPage,
  "/developers": developersPage,
};

function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState({}, "", path);
  else history.pushState({}, "", path);
  render();
}

async function accountSlot() {
  const slot = document.getElementById("account");
  const signedIn = location.pathname !== "/signed-in" && (await accessToken());
  slot.replaceChildren(
    signedIn
      ? el("button", { type: "button", class: "link", id: "sign-out", onclick: async () => {
          await signOut();
          navigate("/");
        } }, S.signOut)
      : "",
  );
}

/** The menu marks the page the person is on. */
function markMenu() {
  for (const link of document.querySelectorAll("nav a")) {
    if (link.getAttribute("href") === location.pathname) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

/** The page for a path: one of ROUTES, a creator's page (/u/<username>), else home. */
function pageFor(path) {
  if (ROUTES[path]) return ROUTES[path];
  if (/^\/u\/[A-Za-z0-9_-]{3,30}$/.test(path)) return profilePage;
  return home;
}

async function render() {
  const page = pageFor(location.pathname);
  markMenu();
  await page(navigate);
  await accountSlot();
}

document.addEventListener("click", (event) => {
  const link = event.target.closest("a[href^='/']");
  if (link && pageFor(link.getAttribute("href")) !== home && !event.metaKey && !event.ctrlKey) {
    event.preventDefault();
    navigate(link.getAttribute("href"));
  }
});
window.addEventListener("popstate", render);
render();
