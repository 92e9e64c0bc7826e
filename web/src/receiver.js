// What the flattr button's page says of a page's receiver and of why it cannot be
// flattred: the API's answer (GET /v1/resolve) in words, never its field names or slugs.

/** "pending" (its owner is being looked up), "claimed" (its creator has joined), "waiting"
 * (the money waits for its creator), or "none" (nobody to receive). */
export function receiverState(resolved) {
  if (resolved.pending) return "pending";
  if (!resolved.recipient) return "none";
  return resolved.recipient.claimed ? "claimed" : "waiting";
}

/** Why a page cannot be flattred, in words (``strings.notFlattrableBecause``); an
 * unforeseen reason gets the general sentence, never its slug. */
export function notFlattrableText(reason, strings) {
  const because = strings.notFlattrableBecause[reason];
  return because ? `${strings.notFlattrable}: ${because}` : `${strings.notFlattrable}.`;
}
