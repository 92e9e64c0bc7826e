"""Wiring shared by every domain's Lambda entry point."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.logging import correlation_paths

from functions.common import events
from functions.common.api import guarded, make_resolver
from functions.common.entry import LambdaHandler
from functions.common.observability import (
    AWS_ONLY,
    WITH_HTTP,
    make_logger,
    make_metrics,
    make_tracer,
)
from functions.common.settings import settings


def api_handler(
    service: str,
    routers: Iterable[Router],
    needs: Iterable[str] = (),
    traced: tuple[str, ...] = AWS_ONLY,
) -> LambdaHandler:
    """A Lambda handler serving ``routers`` with logging, tracing and metrics. The
    settings it ``needs`` are checked now, at the cold start (``Settings.require``).
    ``traced``: the modules whose calls are traced (``WITH_HTTP`` where routes call out
    over HTTP)."""
    settings().require(*needs)
    logger = make_logger(service)
    tracer = make_tracer(service, traced)
    metrics = make_metrics(service)
    resolve = guarded(make_resolver(routers, logger))

    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
    @tracer.capture_lambda_handler(capture_response=False)
    @metrics.log_metrics(raise_on_empty_metrics=False)
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return resolve(event, context)

    handler.needs = tuple(needs)  # what it checked: the CDK app's tests read it
    return handler


def job_handler(
    service: str,
    jobs: dict[str, Callable[[dict[str, Any]], dict[str, Any]]],
    default_job: str | None = None,
    needs: Iterable[str] = (),
) -> LambdaHandler:
    """A Lambda handler for scheduled jobs: ``{"job": name, ...input}`` → summary; and for
    SQS batches, whose messages name their job in the attribute ``job``
    (``common/events.py``). ``default_job`` runs for events that name none (an SQS batch of
    a queue whose producer names none). The settings it ``needs`` are checked at the cold
    start."""
    settings().require(*needs)
    logger = make_logger(service)
    tracer = make_tracer(service, WITH_HTTP)
    metrics = make_metrics(service)

    @logger.inject_lambda_context
    @tracer.capture_lambda_handler(capture_response=False)
    @metrics.log_metrics(raise_on_empty_metrics=False)
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        name = event.get("job") or events.job_of(event) or default_job
        if name not in jobs:
            raise ValueError(f"unknown job {name!r}")
        logger.info("job started", extra={"job": name})
        summary = jobs[name](event)
        logger.info("job finished", extra={"job": name, "summary": summary})
        return {"job": name, **summary}

    handler.needs = tuple(needs)  # what it checked: the CDK app's tests read it
    return handler


def plain_handler(handle: LambdaHandler, needs: Iterable[str] = ()) -> LambdaHandler:
    """A Lambda handler as it is (an authorizer's: no logging of its event, which holds the
    caller's token), its settings checked at the cold start."""
    settings().require(*needs)

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return handle(event, context)

    handler.needs = tuple(needs)  # type: ignore[attr-defined]  # the CDK tests read it
    return handler
