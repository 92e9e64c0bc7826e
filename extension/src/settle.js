// A page whose owner is being looked up: while the popup is open, ask again after the
// server's retry hint, a few times, and say who it is as soon as the answer comes.

export const MAX_TRIES = 6;

/**
 * Calls ``ask()`` again while its answer is pending, waiting ``retry_after`` seconds (at
 * least 1, at most 30) between tries, at most ``tries`` times; ``then(answer)`` gets the
 * first answer that is not pending. ``wait(ms)`` is injectable (tests: no real time).
 */
export async function whenSettled(first, ask, then, { tries = MAX_TRIES, wait = sleep } = {}) {
  let answer = first;
  for (let i = 0; i < tries && answer.ok && answer.data.pending; i += 1) {
    const seconds = Math.min(30, Math.max(1, Number(answer.data.retry_after) || 5));
    await wait(seconds * 1000);
    answer = await ask();
  }
  if (answer.ok && !answer.data.pending) then(answer);
  return answer;
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
