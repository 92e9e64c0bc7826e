// The pages: home, the end of sign-in, the dashboard.
import { api } from "./api.js";
import { accessToken, finishSignIn, signIn } from "./auth.js";
import { el, show } from "./dom.js";
import { formatMoney, parseAmount } from "./format.js";
import { STRINGS as S } from "./strings.js";

export function home() {
  show(
    el("h1", {}, S.homeTitle),
    el("p", {}, S.homeIntro),
    el("h2", {}, S.homeStoreTitle),
    el("ul", {}, S.homeStore.map((line) => el("li", {}, line))),
    el("p", {}, el("button", { type: "button", id: "sign-in", onclick: () => signIn() }, S.signIn)),
  );
}

export async function signedIn(navigate) {
  show(el("p", {}, S.loading));
  const next = await finishSignIn(new URL(location.href));
  if (next) navigate(next, { replace: true });
  else show(el("p", { class: "error", role: "alert" }, S.signInFailed));
}

function budgetForm(current, onSaved) {
  const input = el("input", {
    id: "budget",
    name: "budget",
    inputmode: "decimal",
    value: Number.parseFloat(current.amount).toFixed(2),
    "aria-describedby": "budget-message",
  });
  const message = el("p", { id: "budget-message", role: "status" });
  const save = async (event) => {
    event.preventDefault();
    const amount = parseAmount(input.value);
    if (amount === null) {
      message.textContent = S.changeBudget;
      return;
    }
    const answer = await api("PATCH", "/v1/me", {
      monthly_budget: { amount, currency: current.currency },
    });
    message.textContent = answer.ok ? S.saved : answer.data.detail;
    message.className = answer.ok ? "" : "error";
    if (answer.ok) onSaved();
  };
  return el(
    "form",
    { onsubmit: save },
    el("label", { for: "budget" }, `${S.budget} (${current.currency}) `),
    input,
    " ",
    el("button", { type: "submit" }, S.changeBudget),
    message,
  );
}

function projected(parts) {
  if (parts.length === 0) return el("p", {}, S.nothingYet);
  return el(
    "table",
    {},
    el("thead", {}, el("tr", {}, el("th", {}, S.receiver), el("th", {}, S.flattrs), el("th", {}, S.amount))),
    el(
      "tbody",
      {},
      parts.map((part) =>
        el(
          "tr",
          {},
          el("td", {}, part.recipient.display_name, " ", el("small", {}, part.held ? S.waiting : S.claimed)),
          el("td", {}, part.flattrs),
          el("td", {}, formatMoney(part.amount)),
        ),
      ),
    ),
  );
}

export async function dashboard() {
  if (!(await accessToken())) {
    show(
      el("h1", {}, S.dashboardTitle),
      el("p", {}, S.signedOut),
      el("button", { type: "button", id: "sign-in", onclick: () => signIn("/dashboard") }, S.signIn),
    );
    return;
  }
  const answer = await api("GET", "/v1/me/balance");
  const month = answer.data;
  show(
    el("h1", {}, `${S.dashboardTitle}: ${month.month}`),
    el(
      "dl",
      {},
      el("dt", {}, S.balance),
      el("dd", { id: "balance", class: "figure" }, formatMoney(month.balance)),
      el("dt", {}, S.budget),
      el("dd", { id: "monthly-budget" }, formatMoney(month.monthly_budget)),
      el("dt", {}, S.flattrsThisMonth),
      el("dd", { id: "flattr-count" }, month.flattrs),
    ),
    budgetForm(month.monthly_budget, () => dashboard()),
    el("h2", {}, S.projectedTitle),
    projected(month.projected),
  );
}
