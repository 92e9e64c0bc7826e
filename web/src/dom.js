// Building elements without HTML strings: text is always text.
import { formatMoney } from "./format.js";
import { problemText } from "./problems.js";
import { STRINGS } from "./strings.js";

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
  return node;
}

/** A table that scrolls inside its own box on a narrow screen, never widening the page;
 * the box takes the keyboard's focus, so that it scrolls without a mouse too. */
export function scrollTable(attributes, ...children) {
  return el("div", { class: "table-scroll", tabindex: "0" }, el("table", attributes, ...children));
}

export function show(...children) {
  const app = document.getElementById("app");
  app.replaceChildren(...children.flat());
  app.focus();
}

/** ``message`` marked as an error or not, and the fields it describes (``aria-describedby``)
 * marked invalid with it. */
function mark(message, ok) {
  message.className = ok ? "" : "error";
  if (!message.id) return;
  for (const field of document.querySelectorAll(`[aria-describedby~="${message.id}"]`)) {
    if (ok) field.removeAttribute("aria-invalid");
    else field.setAttribute("aria-invalid", "true");
  }
}

/** Say in ``message`` how an API call went: ``text`` if it worked, else what the problem
 * means in words (``problems.js``), marked as an error. */
export function say(message, answer, text) {
  message.textContent = answer.ok ? text : problemText(answer, STRINGS, formatMoney);
  mark(message, answer.ok);
}

/** Say a mistake found before asking the API (``sentence`` from the strings file). */
export function sayInvalid(message, sentence) {
  message.textContent = sentence;
  mark(message, false);
}

/** What cannot be undone, behind a confirmation: the first press says what will happen
 * and offers the danger button that does it (and a way back). */
export function dangerAction({ id, label, explain, confirmLabel, act }) {
  const text = el("p", { id: `${id}-explain`, role: "status" });
  const confirm = el("button", { type: "button", class: "danger", id: `${id}-confirm`, hidden: "" }, confirmLabel);
  const back = el("button", { type: "button", class: "secondary", hidden: "" }, STRINGS.cancel);
  const first = el("button", { type: "button", class: "danger secondary", id }, label);
  const asking = (on) => {
    text.textContent = on ? explain : "";
    confirm.hidden = !on;
    back.hidden = !on;
    first.hidden = on;
    (on ? confirm : first).focus();
  };
  first.addEventListener("click", () => asking(true));
  back.addEventListener("click", () => asking(false));
  confirm.addEventListener("click", async () => {
    confirm.disabled = true;
    await act();
    confirm.disabled = false;
  });
  return el("div", { class: "actions" }, first, confirm, back, text);
}
