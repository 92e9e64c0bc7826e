// A form that sends an optional amount (none: all of it) as a money write with its own
// Idempotency-Key: giving back unspent money, withdrawing earnings.
import { api } from "./api.js";
import { el, sayInvalid } from "./dom.js";
import { formatMoney, parseAmount } from "./format.js";
import { STRINGS as S } from "./strings.js";

/** ``done(text)`` when it worked (``text``: ``said`` and the amount); ``refused(message, answer)``
 * otherwise, to say why in ``message``. */
export function optionalAmountForm({ id, label, placeholder, path, button, buttonClass, help, said, done, refused }) {
  const amount = el("input", { id, name: "amount", inputmode: "decimal", placeholder, "aria-describedby": `${id}-help ${id}-message` });
  const message = el("p", { id: `${id}-message`, role: "status" });
  const submit = async (event) => {
    event.preventDefault();
    const typed = amount.value.trim();
    const value = typed ? parseAmount(typed) : null;
    if (typed && value === null) {
      sayInvalid(message, S.topUpInvalid);
      return;
    }
    const body = value ? { amount: { amount: value, currency: "EUR" } } : {};
    const answer = await api("POST", path, body, { "Idempotency-Key": crypto.randomUUID() });
    if (answer.ok) done(`${said} ${formatMoney(answer.data.amount)}`);
    else refused(message, answer);
  };
  return el(
    "form",
    { onsubmit: submit },
    el("label", { for: id }, `${label} `),
    amount,
    " ",
    el("button", { type: "submit", ...(buttonClass ? { class: buttonClass } : {}) }, button),
    el("p", { id: `${id}-help` }, help),
    message,
  );
}
