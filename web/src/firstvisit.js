// A first visit that leads somewhere (issue 31, item 7): the steps a new contributor and a
// new creator take, each marked done from what the API says now, shown until all are done.
import { el } from "./dom.js";

/** A contributor's steps, from ``/v1/me/balance``, ``/v1/payins/monthly``,
 * ``/v1/me/devices`` and ``/v1/connections``. */
export function contributorSteps({ balance, monthly, devices, connections }, strings, money = (m) => `${m.amount} ${m.currency}`) {
  const topped = Number.parseFloat(balance.balance.amount) > 0 || (monthly && monthly.state === "active");
  return [
    { id: "step-budget", done: true, title: strings.stepBudget(money(balance.monthly_budget)), href: "#budget" },
    { id: "step-top-up", done: Boolean(topped), title: strings.stepTopUp, href: "/money" },
    { id: "step-extension", done: devices.items.length > 0, title: strings.stepExtension, href: "/flattr-extension.zip", after: strings.stepExtensionHow },
    { id: "step-connect", done: connections.items.some((c) => c.auto_flattr), title: strings.stepConnect, href: "/creator" },
  ];
}

/** A creator's steps, from ``/v1/connections``, ``/v1/domains``, ``/v1/payouts/account`` and
 * ``/v1/me``. */
export function creatorSteps({ connections, domains, payout, me }, strings) {
  return [
    {
      id: "step-prove",
      done: connections.items.length > 0 || domains.items.some((d) => d.verified),
      title: strings.stepProve,
      href: "#connections",
    },
    { id: "step-payout", done: payout.status === "ready", title: strings.stepPayout, href: "/money" },
    { id: "step-badge", done: Boolean(me.username), title: strings.stepBadge, href: "#public-page" },
  ];
}

/** The steps as a list to follow; nothing once every step is done. */
export function stepsBox(id, heading, steps, strings) {
  if (steps.every((step) => step.done)) return "";
  return el(
    "section",
    { id, class: "steps", "aria-labelledby": `${id}-title` },
    el("h2", { id: `${id}-title` }, heading),
    el("ol", {}, steps.map((step) =>
      el("li", { id: step.id, class: step.done ? "done" : "" },
        el("span", { class: "step-state" }, step.done ? strings.stepDone : strings.stepToDo),
        " ",
        step.done ? step.title : el("a", { href: step.href }, step.title),
        step.after && !step.done ? el("small", {}, ` ${step.after}`) : ""))),
  );
}
