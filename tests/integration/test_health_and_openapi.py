import json
from pathlib import Path

from functions.deployment import ROUTES
from functions.openapi import openapi_document
from tests.conftest import call

ROOT = Path(__file__).resolve().parents[2]


def test_health_is_public_and_names_the_version(aws):
    answer = call("GET", "/v1/health", user=None)
    assert answer.status == 200
    assert answer.json == {"status": "ok", "version": "0.1.0"}


def test_committed_openapi_matches_the_code():
    committed = json.loads((ROOT / "openapi.json").read_text())
    assert committed == openapi_document(), "run `make openapi` and commit openapi.json"


def test_every_route_in_the_table_is_served_and_documented():
    document = openapi_document()
    documented = {
        (method.upper(), path) for path, item in document["paths"].items() for method in item
    }
    assert documented == {(route.method, route.path) for route in ROUTES}
    for route in ROUTES:
        security = document["paths"][route.path][route.method.lower()]["security"]
        assert security == ([] if route.public else [{"bearer": []}])
