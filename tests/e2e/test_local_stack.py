"""`make run`'s stack over HTTP: health, real JWTs, the /_local endpoints, a clean stop."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from decimal import Decimal

import pytest

from local.process import start_stack, stop_stack, wait_healthy
from tests.e2e.conftest import Client

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def test_health(stack: Client):
    reply = stack.request("GET", "/v1/health")
    assert reply.status == 200
    assert reply.json["status"] == "ok"


def test_a_token_from_local_users_is_accepted_and_a_wrong_one_is_not(stack: Client):
    user_id, token = stack.sign_in("grace@example.org")
    me = stack.request("GET", "/v1/me", token=token)
    assert me.status == 200
    assert me.json["user_id"] == user_id
    assert me.json["email"] == "grace@example.org"
    assert stack.sign_in("grace@example.org")[0] == user_id  # same user when signing in again

    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["sub"] = "someone-else"
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    for wrong in (None, "garbage", f"{header}.{forged_payload}.{signature}", token[:-4] + "AAAA"):
        reply = stack.request("GET", "/v1/me", token=wrong)
        assert reply.status == 401, wrong


def test_jwks_is_published(stack: Client):
    keys = stack.request("GET", "/_local/idp/.well-known/jwks.json").json["keys"]
    assert keys and keys[0]["kty"] == "RSA" and keys[0]["alg"] == "RS256"


def test_outbox_lists_mail(stack: Client):
    reply = stack.request("GET", "/_local/outbox")
    assert reply.status == 200
    assert isinstance(reply.json["items"], list)


def test_balance_pays_money_in(stack: Client):
    user_id, _ = stack.sign_in("payer@example.org")
    first = stack.request(
        "POST", "/_local/balance", {"user_id": user_id, "amount": {"amount": "10"}}
    )
    assert first.status == 200
    second = stack.request(
        "POST", "/_local/balance", {"user_id": user_id, "amount": {"amount": "2.5"}}
    )
    assert second.json["balance"] == {"amount": "12.500000", "currency": "EUR"}
    bad = stack.request("POST", "/_local/balance", {"user_id": user_id, "amount": {"amount": 1.5}})
    assert bad.status == 422


def test_unknown_job_is_404(stack: Client):
    reply = stack.request("POST", "/_local/jobs/no-such-job", {})
    assert reply.status == 404
    assert reply.headers["Content-Type"] == "application/problem+json"


def test_bad_input_over_http_is_a_problem(stack: Client):
    _, token = stack.sign_in("bad@example.org")
    reply = stack.request("PATCH", "/v1/me", raw=b"\xff\xfe", token=token)
    assert reply.status == 400
    assert reply.json["errors"][0]["field"] == "body"
    reply = stack.request("GET", "/v1/nowhere")
    assert reply.status == 404


def test_clock_moves_forward_only_and_expires_tokens(stack: Client):
    _, token = stack.sign_in("clock@example.org")
    before = stack.request("GET", "/_local/clock").json["now"]
    assert stack.request("POST", "/_local/clock", {"now": "2000-01-01T00:00:00Z"}).status == 422
    moved = stack.request("POST", "/_local/clock", {"advance_seconds": 7200})
    assert moved.status == 200 and moved.json["now"] > before
    assert stack.request("GET", "/v1/me", token=token).status == 401  # an hour's token expired
    _, fresh = stack.sign_in("clock@example.org")
    assert stack.request("GET", "/v1/me", token=fresh).status == 200


def test_ctrl_c_stops_everything():
    from local.stack import free_port

    port = free_port()
    process = start_stack(port)
    client = Client(f"http://127.0.0.1:{port}")
    wait_healthy(client.base, process)
    assert stop_stack(process) == 0
    with pytest.raises(OSError):
        client.request("GET", "/v1/health")


def ledger_check(base: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        # As the README writes it: ``flattr --local ledger check``, the stack's address given
        # by the environment (the stack runs on a free port here, not 8000).
        [sys.executable, "-m", "functions.cli", "--local", "ledger", "check"],
        capture_output=True,
        text=True,
        timeout=120,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TABLE_"))},
            "FLATTR_LOCAL_URL": base,
        },
        check=False,
    )


def paid_in(output: str) -> Decimal:
    (line,) = [line for line in output.splitlines() if line.strip().startswith("paid_in")]
    return Decimal(line.split()[1])


def test_the_operator_cli_checks_the_local_stacks_ledger(stack: Client):
    """``make run`` says where its emulator is; ``flattr --local`` finds it by itself."""
    emulator = stack.request("GET", "/_local/emulator").json
    assert emulator["aws_endpoint_url"].startswith("http://127.0.0.1:")
    before = ledger_check(stack.base)
    assert before.returncode == 0, before.stdout + before.stderr
    assert emulator["aws_endpoint_url"] in before.stdout
    user, _ = stack.sign_in("cli-local@example.org")
    paid = stack.request("POST", "/_local/balance", {"user_id": user, "amount": {"amount": "12"}})
    assert paid.status == 200
    after = ledger_check(stack.base)
    assert after.returncode == 0 and "invariant holds" in after.stdout
    assert paid_in(after.stdout) - paid_in(before.stdout) == Decimal(12)  # what the stack holds


def reconcile(stack: Client) -> subprocess.CompletedProcess[str]:
    """``flattr --local payments reconcile --run`` on ``stack``, found by the environment."""
    return subprocess.run(
        [sys.executable, "-m", "functions.cli", "--local", "payments", "reconcile", "--run"],
        capture_output=True,
        text=True,
        timeout=120,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TABLE_"))},
            "FLATTR_LOCAL_URL": stack.base,
        },
        check=False,
    )


def test_the_operator_cli_reconciles_the_local_stacks_fake_stripe(stack: Client):
    """``flattr --local payments reconcile --run`` finds the stack's fake Stripe by itself."""
    done = reconcile(stack)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "everything adds up" in done.stdout


def test_the_operator_cli_works_on_the_local_stacks_clock(stack: Client):
    """Finding 10 of issue 29: ``--local payments reconcile`` read this machine's clock, so
    "older than an hour" and the times it wrote meant nothing on a stack moved ahead."""
    assert stack.request("POST", "/_local/clock", {"advance_seconds": 40 * 86_400}).status == 200
    stack_day = stack.request("GET", "/_local/clock").json["now"][:10]
    done = reconcile(stack)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"reconciled as of {stack_day}T" in done.stdout, done.stdout


def test_the_operator_cli_says_when_no_local_stack_answers():
    from local.stack import free_port

    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "functions.cli",
            "--local",
            "--local-url",
            f"http://127.0.0.1:{free_port()}",
            "ledger",
            "check",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2 and "no local stack answers" in done.stderr
