// A form that sends an optional amount (none: all of it) as a money write with its own
// Idempotency-Key: giving back unspent money, withdrawing earnings.
import { api } from "./api.js";
import { el, sayInvalid } from "./dom.js";
import { formatMoney, parseAmount } from "./format.js";
import { STRINGS as S } from "./strings.js";

/** ``done(text)`` when it worked (``text``: ``said`` and the amount); ``refused(message, answer)``
 * otherwise, to say why in ``message``. */
export function optionalAmountForm({ id, label, placeholder, path, button, buttonClass, help, said, done, refused, currencies = [], currencyLabel = "" }) {
  const amount = el("input", { id, name: "amount", inputmode: "decimal", placeholder, "aria-describedby": `${id}-help ${id}-message` });
  // Money kept in several currencies (a creator's earnings) leaves one currency at a time.
  const names = new Intl.DisplayNames(undefined, { type: "currency" });
  const currency = currencies.length > 1
    ? el("select", { id: `${id}-currency`, name: "currency" }, currencies.map((code) => el("option", { value: code }, `${names.of(code)} (${code})`)))
    : null;
  const message = el("p", { id: `${id}-message`, role: "status" });
  const submit = async (event) => {
    event.preventDefault();
    const typed = amount.value.trim();
    const value = typed ? parseAmount(typed) : null;
    if (typed && value === null) {
      sayInvalid(message, S.topUpInvalid);
      return;
    }
    // No currency: the amount is in the one it must be in (my balance's, my earnings').
    const body = { ...(value ? { amount: { amount: value } } : {}), ...(currency ? { currency: currency.value } : {}) };
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
    ...(currency ? [el("label", { for: `${id}-currency` }, `${currencyLabel} `), currency, " "] : []),
    el("button", { type: "submit", ...(buttonClass ? { class: buttonClass } : {}) }, button),
    el("p", { id: `${id}-help` }, help),
    message,
  );
}
