"""``docs/data-model.md`` lists every table with the domain that owns it, its keys, its
indexes and its TTL, as the models define them (``functions/tables.py``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from functions.common.tables import base_name, roots, ttl_attribute
from functions.tables import TABLE_MODELS, owner

NONE = "\u2013"  # the en dash the document writes for "none"
DOC = Path(__file__).resolve().parents[2] / "docs" / "data-model.md"


def _rows() -> dict[str, list[str]]:
    rows = {}
    for line in DOC.read_text().splitlines():
        match = re.match(r"\| `([a-z-]+)` \|", line)
        if match:
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
            rows[match.group(1)] = cells
    return rows


def _named(cell: str) -> set[str]:
    return set(re.findall(r"`([^`]+)`", cell))


def test_every_table_is_listed_once_and_nothing_else():
    assert sorted(_rows()) == sorted(base_name(m) for m in TABLE_MODELS)


def test_the_list_of_tables_is_every_registered_model():
    assert set(TABLE_MODELS) == set(roots())


@pytest.mark.parametrize("model", TABLE_MODELS, ids=base_name)
def test_a_tables_row_says_its_owner_keys_indexes_and_ttl(model):
    _, owned_by, keys, indexes, ttl, _ = _rows()[base_name(model)]
    schema = model._get_schema()
    assert _named(owned_by) == {owner(model)}
    assert {k["AttributeName"] for k in schema["key_schema"]} <= _named(keys)
    for index in schema.get("global_secondary_indexes", []):
        assert index["index_name"] in _named(indexes)
        assert {k["AttributeName"] for k in index["key_schema"]} <= _named(indexes) | {
            k["AttributeName"] for k in schema["key_schema"]
        }
    if not schema.get("global_secondary_indexes"):
        assert indexes == NONE
    expected_ttl = ttl_attribute(model)
    assert (_named(ttl) & {expected_ttl}) if expected_ttl else ttl == NONE


def test_a_models_owner_is_the_package_it_lives_in():
    assert owner(TABLE_MODELS[0]) == "core"
    assert {owner(m) for m in TABLE_MODELS} <= {
        "core",
        "core.ownership",
        "core.platforms",
        "common",
        "track",
        "payout",
        "claim",
        "connections",
        "payments",
        "account",
    }
