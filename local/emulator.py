"""The embedded AWS emulator: a moto server that handles one request at a time.

moto's in-memory backends are not thread-safe (a DynamoDB transaction copies table
state that a concurrent request may be changing), while our handlers and the split's
worker pool do run concurrently. Serialising inside the emulator keeps that
concurrency in our code and gives DynamoDB's per-request atomicity back.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.server import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server


class SerialApp:
    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self._app = app
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        with self._lock:
            return list(self._app(environ, start_response))


class SerialMotoServer(ThreadedMotoServer):
    def _server_entry(self) -> None:
        from moto.moto_server.werkzeug_app import MotoRequestHandler

        app = SerialApp(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(
            self._ip_address, self._port, app, True, request_handler=MotoRequestHandler
        )
        self._server_ready_event.set()
        self._server.serve_forever()
