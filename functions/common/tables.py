"""The registry of tables: each PynamoDB model says ``@table`` where its domain defines it,
and is pointed at this deployment's tables (name prefix, region) once the process binds
them, or as soon as it is imported after that.

A model that subclasses a registered model (an item type in a shared table, such as
tracking's page-days in ``activity``) uses its parent's table.
"""

from __future__ import annotations

import threading
from typing import TypeVar

from pynamodb.attributes import TTLAttribute
from pynamodb.models import Model


class TableMeta:
    billing_mode = "PAY_PER_REQUEST"
    region = "eu-west-1"


ModelT = TypeVar("ModelT", bound=type[Model])

_lock = threading.RLock()
# Each registered model, with the model that defines its table (itself, or a parent).
_root: dict[type[Model], type[Model]] = {}
_base_names: dict[type[Model], str] = {}
_binding: tuple[str, str] | None = None  # (prefix, region) once bound


def table(model: ModelT) -> ModelT:
    """Registers ``model``; binds it at once if this process has bound its tables."""
    with _lock:
        root = next((_root[base] for base in model.__mro__[1:] if base in _root), model)
        if root is model:
            name = model.Meta.table_name
            if name in _base_names.values():
                raise ValueError(f"two models define the table {name!r}")
            _base_names[model] = name
        _root[model] = root
        if _binding is not None:
            _bind(model, *_binding)
    return model


def roots() -> tuple[type[Model], ...]:
    """Every registered model that defines a table (not the item types sharing one)."""
    with _lock:
        return tuple(model for model, root in _root.items() if model is root)


def base_name(model: type[Model]) -> str:
    return _base_names[_root[model]]


def table_name(model: type[Model], prefix: str) -> str:
    return prefix + base_name(model)


def ttl_attribute(model: type[Model]) -> str | None:
    """The name of the model's TTL attribute, if it has one."""
    for name, attribute in model.get_attributes().items():
        if isinstance(attribute, TTLAttribute):
            return attribute.attr_name or name
    return None


def _bind(model: type[Model], prefix: str, region: str) -> None:
    name = table_name(model, prefix)
    if model.Meta.table_name != name or model.Meta.region != region:
        model.Meta.table_name = name
        model.Meta.region = region
        model._connection = None  # the next call connects to the new table


def bind(prefix: str, region: str) -> None:
    """Point every registered model, and every one registered later, at ``prefix`` tables
    in ``region``."""
    global _binding
    with _lock:
        _binding = (prefix, region)
        for model in _root:
            _bind(model, prefix, region)
