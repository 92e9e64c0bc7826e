"""The local gateway invokes a function as Lambda does: one invocation at a time in an
environment. Its HTTP server answers in threads; Powertools' resolver keeps the request
it is answering on the app, so two requests at once in one handler clashed (a 500 now and
then when the gateway took hundreds of connections together:
tests/e2e/test_hardening_http.py)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import functions.track.handler as track
from local.gateway import invoke


def test_a_function_answers_one_invocation_at_a_time(monkeypatch):
    running, most, lock = [0], [0], threading.Lock()

    def handler(event, context):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.01)  # long enough for the others to arrive
        with lock:
            running[0] -= 1
        return {"statusCode": 200, "n": event["n"]}

    monkeypatch.setattr(track, "lambda_handler", handler, raising=False)
    barrier = threading.Barrier(8)

    def call(n: int) -> int:
        barrier.wait()
        return invoke("track", "lambda_handler", {"n": n})["n"]

    with ThreadPoolExecutor(8) as pool:
        answered = sorted(pool.map(call, range(8)))
    assert answered == list(range(8))
    assert most[0] == 1


def test_an_invocation_made_from_inside_one_of_the_same_function_completes(monkeypatch):
    """The in-process fake Stripe answers the payments function's request and delivers
    its event to the payments webhook before that request returns, on the same thread
    (tests/integration/test_payouts.py). Lambda would take it in another environment;
    here it runs nested instead of waiting for itself forever."""

    def handler(event, context):
        if event["depth"] == 0:
            inner = invoke("track", "nested_handler", {"depth": 1})
            return {"statusCode": 200, "inner": inner["statusCode"]}
        return {"statusCode": 204}

    # An entry of its own: were it to wait for itself, the thread left waiting holds
    # no lock another test takes.
    monkeypatch.setattr(track, "nested_handler", handler, raising=False)
    answers: list[dict] = []
    caller = threading.Thread(
        target=lambda: answers.append(invoke("track", "nested_handler", {"depth": 0})),
        daemon=True,
    )
    caller.start()
    caller.join(timeout=10)
    assert answers == [{"statusCode": 200, "inner": 204}]
