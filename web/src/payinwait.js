// Back from Stripe: the pay-in's confirmation may still be on its way, so the list is read
// again a few times while that pay-in is "pre". The balance is read once, after the last
// list, never beside it: a pay-in's credit is written before its state, so a pay-in shown
// settled is in the balance read after it (read side by side, the balance could be the
// one from before the event, and the page said "paid" over a balance of 0).
export async function payInsAndBalance(api, returned, { tries = 10, pause = 500 } = {}) {
  let payins = await api("GET", "/v1/payins");
  for (let n = 0; returned && n < tries; n += 1) {
    const mine = payins.data.items.find((p) => p.id === returned);
    if (!mine || mine.state !== "pre") break;
    await new Promise((resolve) => setTimeout(resolve, pause));
    payins = await api("GET", "/v1/payins");
  }
  return [payins, await api("GET", "/v1/me/balance")];
}
