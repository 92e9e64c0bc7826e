"""Binding the PynamoDB models to this deployment's tables, once, on first use."""

from __future__ import annotations

import threading
from typing import TypeVar

from pynamodb.connection import Connection
from pynamodb.exceptions import PutError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from functions.common.models import bind_tables
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
        bind_tables(settings(), region=settings().aws_region)
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
