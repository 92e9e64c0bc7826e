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


Planned = tuple[str, dict[str, Any], str, dict[str, Any], Any]


def _item_key(backend: Any, op_type: str, op: dict[str, Any]) -> dict[str, Any]:
    if op_type != "Put":
        return dict(op["Key"])
    table = backend.get_table(op["TableName"])
    key = {table.hash_key_attr: op["Item"][table.hash_key_attr]}
    if table.range_key_attr is not None:
        key[table.range_key_attr] = op["Item"][table.range_key_attr]
    return key


def _check_all(backend: Any, transact_items: list[dict[str, Any]]) -> list[Planned]:
    """Every condition checked before anything is written; the writes to make."""
    import copy

    from moto.dynamodb.comparisons import get_filter_expression
    from moto.dynamodb.exceptions import (
        ConditionalCheckFailed,
        MultipleTransactionsException,
        TooManyTransactionsException,
        TransactionCanceledException,
        TransactWriteSingleOpException,
    )

    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    seen: set[tuple[str, str]] = set()
    planned: list[Planned] = []
    errors: list[Any] = []
    for item in transact_items:
        if len(item) > 1:
            raise TransactWriteSingleOpException
        op_type, op = next(iter(item.items()))
        if op_type not in {"ConditionCheck", "Put", "Delete", "Update"}:
            raise ValueError("Unsupported transaction operation")
        table_name, key = op["TableName"], _item_key(backend, op_type, op)
        marker = (str(table_name), str(dict(sorted(key.items()))))
        if marker in seen:
            raise MultipleTransactionsException()
        seen.add(marker)
        current = backend.get_item(table_name, key)
        condition = op.get("ConditionExpression")
        if condition is not None and not get_filter_expression(
            condition, op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
        ).expr(current):
            wants_old = op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"
            original = current.to_json()["Attributes"] if wants_old and current else None
            errors.append(("ConditionalCheckFailed", ConditionalCheckFailed().message, original))
            continue
        errors.append((None, None, None))
        planned.append((op_type, op, table_name, key, copy.deepcopy(current)))
    if any(code is not None for code, _, _ in errors):
        raise TransactionCanceledException(errors)
    return planned


def _write(backend: Any, op_type: str, op: dict[str, Any], table: str, key: Any) -> None:
    names, values = op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
    if op_type == "Put":
        backend.put_item(
            table, op["Item"], expression_attribute_names=names, expression_attribute_values=values
        )
    elif op_type == "Delete":
        backend.delete_item(
            table, key, expression_attribute_names=names, expression_attribute_values=values
        )
    elif op_type == "Update":
        backend.update_item(
            table,
            key,
            update_expression=op["UpdateExpression"],
            expression_attribute_names=names,
            expression_attribute_values=values,
        )


def _transact_write_items(backend: Any, transact_items: list[dict[str, Any]]) -> None:
    planned = _check_all(backend, transact_items)
    applied: list[tuple[str, dict[str, Any], Any]] = []
    try:
        for op_type, op, table_name, key, before in planned:
            _write(backend, op_type, op, table_name, key)
            applied.append((table_name, key, before))
    except Exception:
        for table_name, key, before in reversed(applied):  # put the touched items back
            if before is None:
                backend.delete_item(table_name, key)
            else:
                backend.put_item(table_name, before.to_json()["Attributes"])
        raise


def install_fast_transactions() -> None:
    """Make moto's DynamoDB ``TransactWriteItems`` cost what the transaction touches.

    moto backs a transaction up by deep-copying every table it names, once per item,
    so each transaction costs time in proportion to the tables' sizes, and a month's
    split grows quadratically. DynamoDB's semantics need less: every condition is
    checked before anything is written (no item may appear twice in one transaction,
    so no condition can depend on another item's write), then all writes are applied;
    if a write itself fails, the touched items are put back. Same answers, same errors.
    """
    from moto.dynamodb.models import DynamoDBBackend

    if getattr(DynamoDBBackend, "_fast_transactions", False):
        return
    DynamoDBBackend.transact_write_items = _transact_write_items  # type: ignore[method-assign,assignment]
    DynamoDBBackend._fast_transactions = True  # type: ignore[attr-defined]
