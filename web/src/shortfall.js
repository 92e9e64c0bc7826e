// Money that runs out, said (issue 31, item 2): from ``GET /v1/me/balance`` and the monthly
// top-up's state, what the dashboard and the money page tell a person whose balance does
// not cover this month's budget. Pure: the words come from the strings file.
import { formatMoney } from "./format.js";

/** ``null`` when the balance covers the budget; else ``{ unfunded, text, topUp }``:
 * ``unfunded`` when the month's flattrs would get nothing, ``topUp`` when the person has to
 * act (no monthly top-up will cover it). */
export function shortfallNotice(balance, monthly, strings, locale = undefined) {
  if (Number.parseFloat(balance.shortfall.amount) <= 0) return null;
  const money = (m) => formatMoney(m, locale);
  const unfunded = !balance.funded;
  const empty = Number.parseFloat(balance.balance.amount) <= 0;
  const first = empty
    ? strings.unfundedNotice(balance.flattrs, money(balance.monthly_budget))
    : strings.shortNotice(money(balance.balance), money(balance.monthly_budget), money(balance.shortfall));
  const covered = monthly && monthly.state === "active";
  const second = covered ? strings.shortCoveredByMonthly(monthly.days_before_month_end) : strings.shortTopUp;
  return { unfunded, text: `${first} ${second}`, topUp: !covered };
}
