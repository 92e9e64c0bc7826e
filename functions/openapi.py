"""Generates ``openapi.json`` from the code: ``python -m functions.openapi``."""

from __future__ import annotations

import importlib
import json
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

from functions.common.settings import settings
from functions.deployment import ROUTES

TITLE = "flattr API"


def openapi_document() -> dict[str, Any]:
    app = APIGatewayHttpResolver(enable_validation=True)
    for domain in sorted({route.domain for route in ROUTES}):
        # The routers, not the handlers: no Lambda's settings are needed to describe it.
        module = importlib.import_module(f"functions.{domain}.routes")
        for router in module.routers:
            app.include_router(router)
    document: dict[str, Any] = json.loads(
        app.get_openapi_json_schema(title=TITLE, version=settings().service_version)
    )
    document.setdefault("components", {})["securitySchemes"] = {
        "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    }
    for route in ROUTES:
        operation = document["paths"][route.path][route.method.lower()]
        operation["security"] = [] if route.public else [{"bearer": []}]
    return document


def main() -> None:
    print(json.dumps(openapi_document(), indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
