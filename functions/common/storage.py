"""Binding the PynamoDB models to this deployment's tables, once, on first use."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any, TypeVar

from pynamodb.connection import Connection
from pynamodb.exceptions import PutError, UpdateError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from functions.common import clock, tables
from functions.common.settings import settings

_lock = threading.Lock()
_bound_prefix: str | None = None


def ensure_bound() -> None:
    """Point the models at ``TABLE_PREFIX`` tables in ``AWS_REGION`` (idempotent)."""
    global _bound_prefix
    prefix = settings().table_prefix
    if _bound_prefix == prefix:
        return
    with _lock:
        tables.bind(prefix, settings().aws_region)
        _bound_prefix = prefix


def reset() -> None:
    """Bind again on next use (tests that change settings)."""
    global _bound_prefix
    with _lock:
        _bound_prefix = None


_transaction_connection: Connection | None = None


def transaction_connection() -> Connection:
    """One connection (one botocore client) for all transactions of this process."""
    global _transaction_connection
    region = settings().aws_region
    if _transaction_connection is None or _transaction_connection.region != region:
        _transaction_connection = Connection(region=region)
    return _transaction_connection


def transact_write() -> TransactWrite:
    """A PynamoDB write transaction on this deployment's region."""
    ensure_bound()
    return TransactWrite(connection=transaction_connection())


def condition_failed(error: Exception) -> bool:
    """Did a PynamoDB write fail only because its condition did not hold?"""
    return getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException"


ModelT = TypeVar("ModelT", bound=Model)


def first_write(item: ModelT) -> ModelT:
    """``item`` written if nothing has its key yet; else what was written first (a retry,
    or a concurrent request, finds the same record)."""
    key = item._hash_key_attribute()
    try:
        item.save(condition=key.does_not_exist())
    except PutError as error:
        if not condition_failed(error):
            raise
        names = [item._hash_keyname, item._range_keyname]
        return type(item).get(*(getattr(item, str(name)) for name in names if name))
    return item


def delete_all(items: Iterable[Model], model: type[Model]) -> int:
    """Deletes ``items`` (of ``model``) in batches; answers how many."""
    count = 0
    with model.batch_write() as batch:
        for item in items:
            batch.delete(item)
            count += 1
    return count


def note_use(item: Model, last_used: Any, key: Any, every: timedelta) -> bool:
    """Note that ``item`` (a token) was used now, in ``last_used``, when its last noted use
    is older than ``every`` (one write an ``every`` at most); False when the item is gone
    (revoked this very moment: the condition on ``key`` keeps it from being recreated)."""
    now = clock.now()
    seen = getattr(item, last_used.attr_name)
    if seen is not None and now - seen <= every:
        return True
    try:
        item.update(actions=[last_used.set(now)], condition=key.exists())
    except UpdateError as error:
        if not condition_failed(error):
            raise
        return False
    return True


BATCH_GET_KEYS = 100  # DynamoDB's limit on the keys of one BatchGetItem, over all its tables


def _wire_key(model: type[Model], key: Any) -> dict[str, Any]:
    """A key as PynamoDB's ``batch_get`` takes it ((hash, range), or the hash alone), in
    DynamoDB's wire format."""
    hash_attribute, range_attribute = model._hash_key_attribute(), model._range_key_attribute()
    if range_attribute is None:
        hashed, _ = model._serialize_keys(key)
        return {hash_attribute.attr_name: {hash_attribute.attr_type: hashed}}
    hashed, ranged = model._serialize_keys(*key)
    return {
        hash_attribute.attr_name: {hash_attribute.attr_type: hashed},
        range_attribute.attr_name: {range_attribute.attr_type: ranged},
    }


def batch_get_many(*wanted: tuple[type[Model], Sequence[Any]]) -> list[list[Any]]:
    """The items of several tables read together: one BatchGetItem for up to 100 keys over
    all of them (eventually consistent), where reading each table on its own would be one
    request a table. One list per (model, keys) given, in no particular order; keys not
    found are left out. One model a table (the items are read back as that model)."""
    ensure_bound()
    tables = {model.Meta.table_name: index for index, (model, _) in enumerate(wanted)}
    if len(tables) != len(wanted):
        raise ValueError("batch_get_many takes one model a table")
    pending = [
        (model.Meta.table_name, _wire_key(model, key)) for model, keys in wanted for key in keys
    ]
    found: list[list[Any]] = [[] for _ in wanted]
    connection = transaction_connection()
    backoff = 0.0
    while pending:
        chunk, pending = pending[:BATCH_GET_KEYS], pending[BATCH_GET_KEYS:]
        request: dict[str, dict[str, Any]] = {}
        for table, key in chunk:
            request.setdefault(table, {"Keys": []})["Keys"].append(key)
        answer = connection.dispatch("BatchGetItem", {"RequestItems": request})
        for table, items in answer.get("Responses", {}).items():
            model = wanted[tables[table]][0]
            found[tables[table]] += [model.from_raw_data(item) for item in items]
        left = [
            (t, key)
            for t, keys in answer.get("UnprocessedKeys", {}).items()
            for key in keys["Keys"]
        ]
        if left:  # the table was busy: asked again, after a growing pause, as AWS advises
            backoff = min(1.0, max(0.025, backoff * 2))
            time.sleep(backoff)
            pending += left
    return found
