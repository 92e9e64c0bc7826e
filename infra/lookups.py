"""Owner lookups: the track API queues each lookup its flattrs wait for; the track worker
(``events_handler``) asks the platform and settles them; five failures move a lookup to the
dead-letter queue (the split falls back for it), whose messages raise an alarm."""

from __future__ import annotations

from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra.work_queue import work_queue

# The worker's concurrency: providers see at most this many of our lookups at once (with
# the per-host rate limit and circuit breaker in each worker, core/ownership/lookups.py).
WORKER_CONCURRENCY = 2


class OwnerLookups(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        api: lambda_.Function,
        worker: lambda_.IFunction,
    ) -> None:
        super().__init__(scope, construct_id)
        work = work_queue(
            self,
            worker=worker,
            stuck="An owner lookup failed five times; its flattrs fall back at the split",
            max_concurrency=WORKER_CONCURRENCY,
        )
        self.queue, self.dead_letters, self.alarm = work.queue, work.dead_letters, work.alarm
        self.queue.grant_send_messages(api)
        api.add_environment("OWNER_LOOKUPS_QUEUE_URL", self.queue.queue_url)
