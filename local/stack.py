"""``make run``: the whole system on one port, on an embedded AWS emulator.

One process holds: a moto server (DynamoDB, SES, KMS, Cognito, Secrets Manager)
on a loopback port of its own, with everything provisioned; an HTTP gateway that
turns requests into API Gateway payload 2.0 events and invokes the real handlers;
a JWT authorizer; the scheduler; and the ``/_local`` endpoints.
"""

from __future__ import annotations

import faulthandler
import json
import logging
import os
import secrets
import signal
import socket
import sys
import threading
import urllib.request
import warnings
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from functions.common.observability import guard_handlers
from local.site import answer as site_answer
from local.site import is_site_path

REGION = "eu-west-1"
MAX_REQUEST_BYTES = 10 * 1024 * 1024  # API Gateway's own limit
SIGN_IN = "/_local/idp"  # the sign-in flow and discovery; its JWKS is a local endpoint
log = logging.getLogger("local.stack")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def configure_environment(moto_url: str, prefix: str) -> None:
    """What the CDK app sets on every Lambda, pointed at the emulator."""
    os.environ.update(
        {
            "AWS_ENDPOINT_URL": moto_url,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "TABLE_PREFIX": prefix,
            "POWERTOOLS_TRACE_DISABLED": "true",
            "POWERTOOLS_METRICS_NAMESPACE": "Flattr",
            "POWERTOOLS_METRICS_DISABLED": "true",
            "POWERTOOLS_LOG_LEVEL": os.environ.get("POWERTOOLS_LOG_LEVEL", "WARNING"),
            # One process: every handler sees a month close at once, no need to wait.
            "SPLIT_STATUS_CACHE_SECONDS": "0",
            "SPLIT_CLOSE_GRACE_SECONDS": "0",
            # The stack and its fake provider speak plain HTTP on loopback; oauthlib
            # refuses that unless told. Deployed, every OAuth URL is HTTPS.
            "OAUTHLIB_INSECURE_TRANSPORT": "1",
        }
    )


def _queue_url(name: str) -> str:
    """The URL of one of the stack's queues, in its emulator (made by ``provision``)."""
    import boto3

    return str(boto3.client("sqs").get_queue_url(QueueName=name)["QueueUrl"])


class LocalStack:
    def __init__(self, port: int = 8000, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = port
        self.url = f"http://{host}:{port}"
        self._moto: Any = None
        self._http: ThreadingHTTPServer | None = None
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        from local.emulator import SerialMotoServer, install_fast_transactions

        install_fast_transactions()
        moto_port = free_port()
        self._moto = SerialMotoServer(ip_address="127.0.0.1", port=moto_port, verbose=False)
        self._moto.start()
        configure_environment(f"http://127.0.0.1:{moto_port}", prefix="local-")
        _point_at_fakes(self.url)
        self._start_nameserver()

        # Imported only now: every boto3 client below must see the emulator's endpoint.
        from functions.common.settings import settings
        from local.auth import JwtAuthorizer, LocalIdentityProvider
        from local.oidc import LocalSignIn
        from local.provision import provision
        from local.scheduler import Scheduler

        provisioned = provision(settings(), region=REGION)
        # Whose JWTs the device routes' authorizer accepts: the local sign-in's (CDK sets
        # Cognito's on the authorizer Lambda).
        os.environ["JWT_ISSUER"] = f"{self.url}/_local/idp"
        os.environ["JWT_CLIENT_ID"] = provisioned.client_id
        # Where the website's session (``/v1/session``) exchanges and renews its tokens: the
        # local sign-in's endpoints (CDK gives the account Lambda the user pool domain's).
        os.environ["SIGN_IN_TOKEN_URL"] = f"{self.url}{SIGN_IN}/oauth2/token"
        os.environ["SIGN_IN_REVOKE_URL"] = f"{self.url}{SIGN_IN}/oauth2/revoke"
        settings.cache_clear()
        self._start_fakes()
        issuer = f"{self.url}/_local/idp"
        self.idp = LocalIdentityProvider(issuer, provisioned.user_pool_id, provisioned.client_id)
        self.sign_in = LocalSignIn(self.idp, self.url)
        self.authorizer = JwtAuthorizer(
            f"{issuer}/.well-known/jwks.json", issuer=issuer, audience=provisioned.client_id
        )
        self.scheduler = Scheduler(self.run_job)

        stack = self

        class Handler(_RequestHandler):
            local = stack

        self._http = _Gateway((self.host, self.port), Handler)
        self._http.daemon_threads = True
        server_thread = threading.Thread(target=self._http.serve_forever, name="gateway")
        server_thread.daemon = True
        server_thread.start()
        self._threads.append(server_thread)
        self.scheduler.start()
        from local.queues import CONSUMERS, Pump

        self.pump = Pump({name: _queue_url(name) for name, _, _ in CONSUMERS})
        self.pump.start()

    def _start_nameserver(self) -> None:
        """TXT records a person publishes (POST /_local/dns), answered to the stack's
        lookups through the resolver code that runs in AWS."""
        from local.nameserver import NameServer

        self.nameserver = NameServer()
        os.environ["DNS_NAMESERVER"] = self.nameserver.address

    def _start_fakes(self) -> None:
        """The platforms', Stripe's and the web's stand-ins (``_point_at_fakes`` already
        pointed the settings at them)."""
        from local.fake_web import FakeWeb

        self.fakes = self._fake_platforms()
        self.fake_github = self.fakes["github"]
        self.fake_stripe = self._fake_stripe()
        self.web = FakeWeb()

    def _fake_stripe(self) -> Any:
        """Stripe's stand-in; its events go to our webhook as Stripe sends them: signed,
        over HTTP, on their own (the page that caused them does not wait for them)."""
        from functions.common.settings import settings
        from local.fake_stripe import FakeStripe
        from local.provision import read_secret

        secret = read_secret(settings().stripe_secret_id)
        webhook = f"{self.url}/v1/payments/stripe/webhook"

        def post(payload: bytes, signature: str) -> None:
            request = urllib.request.Request(  # noqa: S310 - our own http:// origin
                webhook,
                data=payload,
                headers={"Stripe-Signature": signature, "Content-Type": "application/json"},
            )
            try:
                with urllib.request.urlopen(request, timeout=30):  # noqa: S310
                    pass
            except OSError:
                log.warning("a fake Stripe event was not accepted")

        def deliver(payload: bytes, signature: str) -> None:
            threading.Thread(target=post, args=(payload, signature), daemon=True).start()

        return FakeStripe(f"{self.url}/_fake/stripe", secret["webhook_secret"], deliver)

    def _fake_platforms(self) -> dict[str, Any]:
        """A stand-in for every connectable platform, by name, with our app's client."""
        from local.fake_platforms import EVERY
        from local.provision import read_secret

        fakes = {}
        for fake in EVERY:
            # Platforms of many servers have no client of ours until we register on one.
            client = (
                read_secret(f"flattr/oauth/{fake.name}")
                if not fake.servers_at(self.url)
                else {"client_id": f"local-{fake.name}", "client_secret": secrets.token_urlsafe(24)}
            )
            fakes[fake.name] = fake(
                self.url,
                client["client_id"],
                client["client_secret"],
                redirect_prefix=f"{self.url}/v1/connections/{fake.name}/callback",
            )
        return fakes

    def fakes_listed(self) -> dict[str, str]:
        """The stand-ins this stack serves, by name: where each answers."""
        return {
            **{fake.display: fake.base_url for fake in self.fakes.values()},
            "Stripe (payments, payouts)": f"{self.url}/_fake/stripe",
            "The web (pages published here)": f"{self.url}/_fake/web",
        }

    def stop(self) -> None:
        if getattr(self, "scheduler", None):
            self.scheduler.stop()
        if getattr(self, "pump", None):
            self.pump.stop()
        if self._http:
            self._http.shutdown()
            self._http.server_close()
        if self._moto:
            self._moto.stop()
        if getattr(self, "nameserver", None):
            self.nameserver.stop()

    def run_job(self, job: Any, event: dict[str, Any]) -> Any:
        from local.gateway import invoke

        return invoke(job.domain, "job_handler", event)


class _Gateway(ThreadingHTTPServer):
    """API Gateway accepts clients that connect together; so does this (the default
    listen backlog of 5 reset simultaneous connections, and load tests measured that)."""

    request_queue_size = 1024

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hung up before its answer was written is not the stack's error.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _RequestHandler(BaseHTTPRequestHandler):
    local: LocalStack
    protocol_version = "HTTP/1.1"
    server_version = "flattr-local"

    def log_message(self, format: str, *args: Any) -> None:
        # Request lines carry URLs and tokens in query strings: keep them out of logs.
        return

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def __getattr__(self, name: str) -> Any:
        # Any other method (HEAD, TRACE, QUERY, ...): API Gateway answers it like a route
        # that does not exist, never with a server error.
        if name.startswith("do_"):
            return self._dispatch
        raise AttributeError(name)

    def _send(
        self, status: int, headers: dict[str, str], body: bytes, cookies: Sequence[str] = ()
    ) -> None:
        self.send_response(status)
        for name, value in headers.items():
            if name.lower() not in {"content-length", "connection"}:
                self.send_header(name, value)
        for cookie in cookies:
            self.send_header("Set-Cookie", cookie)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, payload: Any) -> None:
        content_type = "application/problem+json" if status >= 400 else "application/json"
        self._send(status, {"Content-Type": content_type}, json.dumps(payload).encode())

    def _problem(self, status: int, slug: str, detail: str, field: str | None = None) -> None:
        from functions.common.errors import Problem

        errors = [{"field": field, "message": detail}] if field else None
        self._json(status, Problem(status, slug, detail, errors=errors).body())

    def _dispatch(self) -> None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self._problem(400, "invalid-request", "bad Content-Length")
            return
        if length > MAX_REQUEST_BYTES:
            self.close_connection = True
            self._problem(413, "payload-too-large", "body: too large", "body")
            return
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        try:
            if parts.path == "/config.json" and self.command == "GET":
                self._json(200, self.local.sign_in.site_config())
            elif parts.path.startswith(SIGN_IN + "/") and not parts.path.endswith("/jwks.json"):
                self._sign_in(parts.path.removeprefix(SIGN_IN), parts.query, body)
            elif parts.path in ("/_local/mail", "/_local/dev"):
                self._send(*self._local_page(parts.path, body))
            elif parts.path.startswith("/_local/"):
                self._local_endpoint(parts.path, body)
            elif parts.path.startswith("/_fake/") and (fake := self._fake(parts.path)):
                headers = {name.lower(): value for name, value in self.headers.items()}
                status, answer_headers, raw = fake.handle(
                    self.command, parts.path, parts.query, headers, body
                )
                self._send(status, answer_headers, raw)
            elif is_site_path(self.command, parts.path) and (found := site_answer(parts.path)):
                self._send(*found)
            else:
                self._api(parts.path, parts.query, body)
        except ConnectionError:
            self.close_connection = True  # the client hung up: nobody to answer
        except Exception:
            log.exception("local stack error")
            self._problem(500, "internal-error", "the local stack failed")

    def _local_page(self, path: str, body: bytes) -> tuple[int, dict[str, str], bytes]:
        """The mailbox and the clock-and-jobs page (``local/devpages.py``)."""
        from local.devpages import dev_action, dev_page, mail_page

        if path == "/_local/mail":
            return mail_page() if self.command == "GET" else (405, {}, b"")
        if self.command == "POST":
            return dev_action(self.local, body)
        return dev_page(self.local) if self.command == "GET" else (405, {}, b"")

    def _fake(self, path: str) -> Any:
        """The fake that answers ``/_fake/<name>/...``, if there is one by that name."""
        name = path.removeprefix("/_fake/").split("/", 1)[0]
        if name == "web":
            return self.local.web
        return self.local.fake_stripe if name == "stripe" else self.local.fakes.get(name)

    def _api(self, path: str, query: str, body: bytes) -> None:
        from local.gateway import (
            build_event,
            invoke,
            match,
            path_exists,
            response_cookies,
            response_parts,
        )

        found = match(self.command, path)
        if found is None:
            if path_exists(path):
                self._problem(405, "method-not-allowed", f"{self.command} is not allowed here")
            else:
                self._problem(404, "not-found", "no such route")
            return
        route, path_parameters = found
        headers = {name.lower(): value for name, value in self.headers.items()}
        claims = None
        if route.devices:
            # A JWT or a device token, through the same authorizer Lambda as in AWS.
            from functions.authorizer.handler import lambda_handler as authorize

            if not headers.get("authorization"):  # API Gateway's answer: no identity source
                self._send(401, {"Content-Type": "application/json"}, b'{"message":"Unauthorized"}')
                return
            claims = authorize({"headers": headers}, None)["context"]
        elif not route.public:
            claims = self.local.authorizer.verify(headers.get("authorization"))
            if claims is None:
                # API Gateway's own answer to a failed JWT check.
                self._send(
                    401,
                    {"Content-Type": "application/json", "www-authenticate": "Bearer"},
                    b'{"message":"Unauthorized"}',
                )
                return
        event = build_event(
            route,
            path_parameters,
            self.command,
            path,
            query,
            headers,
            body,
            self.client_address[0],
            claims,
        )
        result = invoke(route.domain, "lambda_handler", event)
        status, response_headers, raw = response_parts(result)
        self._send(status, response_headers, raw, response_cookies(result))

    def _sign_in(self, route: str, query: str, body: bytes) -> None:
        """The sign-in flow (``local/oidc.py``), as Cognito's hosted sign-in serves it."""
        sign_in = self.local.sign_in
        answers = {
            ("GET", "/.well-known/openid-configuration"): lambda: (
                200,
                {"Content-Type": "application/json"},
                json.dumps(sign_in.discovery()).encode(),
            ),
            ("GET", "/oauth2/authorize"): lambda: sign_in.authorize_page(query),
            ("POST", "/oauth2/authorize"): lambda: sign_in.authorize(body),
            ("POST", "/oauth2/token"): lambda: sign_in.token(body),
            ("POST", "/oauth2/revoke"): lambda: sign_in.revoke(body),
        }
        answer = answers.get((self.command, route))
        if answer is None:
            self._problem(404, "not-found", "no such sign-in endpoint")
            return
        self._send(*answer())

    def _local_endpoint(self, path: str, body: bytes) -> None:
        from local.endpoints import Refused, local_endpoint

        try:
            self._json(200, local_endpoint(self.local, self.command, path, body))
        except Refused as refused:
            self._problem(refused.status, refused.slug, refused.detail, refused.field)


STOP_SECONDS = 10


def _point_at_fakes(url: str) -> None:
    """What the CDK app would set, pointed at this stack and the fakes it serves."""
    os.environ["PUBLIC_API_URL"] = url
    # Each platform's adapter talks to the fake this stack serves for it.
    from local.fake_platforms import EVERY

    servers: dict[str, str] = {}
    for fake in EVERY:
        os.environ.update(fake.environment_at(url))
        servers.update(fake.servers_at(url))
    # The fake servers of Mastodon and Bluesky have names a person types; every other host
    # is the stack's own web (pages a person publishes, local/fake_web.py): no internet here.
    # In AWS nothing is named: every host a user names stays behind the SSRF guard.
    servers["*"] = f"{url}/_fake/web"
    os.environ["KNOWN_SERVER_URLS"] = json.dumps(servers)
    os.environ["STRIPE_API_URL"] = f"{url}/_fake/stripe"  # the SDK talks to the fake
    os.environ["MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP"] = "true"  # codes checked, as Cognito
    # No internet here: a handle cannot be settled to its id (and the fake GitHub is on a
    # loopback address, which lookups refuse), so URLs keep their handles' keys.
    # ``HANDLE_LOOKUPS=on make run`` waits for lookups that fall back at the split.
    os.environ.setdefault("HANDLE_LOOKUPS", "off")


def wait_for_stop(stopped: threading.Event) -> None:
    """Until ``stopped`` is set by a signal's handler. The kernel hands the signal to any of
    the stack's threads, and Python runs its handler only once the main thread runs again:
    a wait without a timeout never wakes (a test's teardown waited 20 s for it), so the main
    thread looks again every fifth of a second."""
    while not stopped.wait(0.2):
        pass


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    guard_handlers()  # the stack's own and libraries' records are redacted too
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", message="No application metrics to publish")
    port = int(os.environ.get("PORT", "8000"))
    stack = LocalStack(port=port)
    stack.start()
    if os.environ.get("DEMO"):  # make demo: a few believable months already in it
        from local.demo import report, seed

        print(report(stack.url, seed(stack.url)), flush=True)
    stopped = threading.Event()
    # Ctrl-C and kill both stop the stack cleanly, even where SIGINT was inherited ignored
    # (a background job of a non-interactive shell).
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    # SIGUSR1 prints every thread's stack to the output (local/process.py asks for it when
    # the stack does not stop in time, so that its teardown error says where it was).
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    print(f"flattr local stack on {stack.url}", flush=True)
    print(
        f"  try: curl {stack.url}/v1/health\n"
        f'       curl -X POST {stack.url}/_local/users -d \'{{"email": "ada@example.org"}}\'',
        flush=True,
    )
    print(
        f"  AWS emulator (moto): {os.environ['AWS_ENDPOINT_URL']}, tables local-*\n"
        f"  operator CLI on it: FLATTR_LOCAL_URL={stack.url} .venv/bin/flattr --local ledger check",
        flush=True,
    )
    print(
        f"  website: {stack.url}/ ; browser extension for it: load extension/dist/chromium\n"
        "  unpacked in Chromium (chrome://extensions, developer mode; make run builds it)",
        flush=True,
    )
    print("  Ctrl-C stops everything.", flush=True)
    try:
        wait_for_stop(stopped)
    except KeyboardInterrupt:
        pass
    finally:
        # Stopped within seconds whatever a part is doing (a request the emulator is still
        # answering, a worker waiting on a name that does not resolve): then the process
        # ends anyway, as a Lambda's would.
        stopper = threading.Thread(target=stack.stop, name="stop", daemon=True)
        stopper.start()
        stopper.join(STOP_SECONDS)
        print("stopped", flush=True)
        # Ended here, not by the interpreter's shutdown, which would wait for any job's
        # worker threads (a pool's threads are joined at exit): a test's teardown once
        # waited past twenty seconds on a loaded machine.
        sys.stderr.flush()
        os._exit(0)


if __name__ == "__main__":
    main()
