"""Typed settings, read once from the environment and validated at start."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = int(raw)
    if value < 0:
        raise ValueError(f"{name} must not be negative")
    return value


def _on(name: str) -> bool:
    """A switch that is on unless set to off (``off``, ``0``, ``false``)."""
    return os.environ.get(name, "on").strip().lower() not in ("off", "0", "false")


def _list(name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return tuple(item.strip().lower() for item in raw.split(",") if item.strip())


# Banks, payment and health portals: pages nobody should be paid for reading.
DEFAULT_BLOCKED_DOMAINS = (
    "paypal.com",
    "stripe.com",
    "wise.com",
    "revolut.com",
    "n26.com",
    "chase.com",
    "bankofamerica.com",
    "wellsfargo.com",
    "hsbc.com",
    "barclays.co.uk",
    "ing.com",
    "deutsche-bank.de",
    "sparkasse.de",
    "klarna.com",
    "healthcare.gov",
    "nhs.uk",
    "mychart.com",
)


class MissingSettings(RuntimeError):
    def __init__(self, names: list[str]) -> None:
        super().__init__(f"missing environment variables: {', '.join(names)}")
        self.names = names


# Settings read from a variable not named after them.
ENV_NAME = {"public_url": "PUBLIC_API_URL"}
PLATFORM_URL = re.compile(r"^[A-Z0-9]+_(?:WEB|API|TOKEN|REVOKE)_URL$")


# Names, addresses and identifiers read as they are, empty when unset (a handler that needs
# one says so at its cold start: ``Settings.require``).
PLAIN = (
    "token_key_id",
    "mail_from",
    "ses_configuration_set",
    "user_pool_id",
    "jwt_issuer",
    "jwt_client_id",
    "sign_in_token_url",
    "sign_in_revoke_url",
    "dns_nameserver",
    "stripe_events_queue_url",
    "owner_lookups_queue_url",
    "account_leaving_queue_url",
    "account_deleted_topic_arn",
)


def env_name(setting: str) -> str:
    """The environment variable a setting is read from."""
    return ENV_NAME.get(setting, setting.upper())


@dataclass(frozen=True)
class Settings:
    """Everything configurable. Defaults are the product rules' defaults."""

    table_prefix: str = "flattr-"
    service_version: str = "0.1.0"
    url_hash_secret_id: str = "flattr/url-hash-key"  # noqa: S105 - a name, not a secret
    fee_rate_basis_points: int = 1000
    min_monthly_budget_micros: int = 2_000_000
    default_monthly_budget_micros: int = 5_000_000
    max_body_bytes: int = 256 * 1024
    # Entries of one Flattr-extension batch made into flattrs; the rest skipped, counted.
    max_bulk_entries: int = 1000
    # The attention thresholds, in percent of the rules' (tests and demos shorten them).
    attention_threshold_percent: int = 100
    max_attention_seconds_per_day: int = 24 * 3600
    max_flattrs_per_day: int = 500
    # Distinct pages with attention, and sites with visits, per contributor-day: far above
    # what a person reads (each costs storage and a write), far below what a script sends.
    max_pages_per_day: int = 1000
    max_sites_per_day: int = 500
    report_max_age_seconds: int = 48 * 3600
    report_max_future_seconds: int = 5 * 60
    blocked_domains: tuple[str, ...] = field(default=DEFAULT_BLOCKED_DOMAINS)
    # How long track Lambdas may trust a cached "month not split yet", and so how long the
    # split waits after closing a month before it reads the month's flattrs.
    split_status_cache_seconds: int = 60
    split_close_grace_seconds: int = 90
    split_workers: int = 8
    # How long an API Lambda may trust "this user is not deleted" (a deleted user's token
    # is refused everywhere within this time; in the Lambda that deleted it, at once).
    deletion_cache_seconds: int = 60
    # Where people reach us: OAuth redirect URIs, claim links and cookies are on this origin.
    public_url: str = ""
    aws_region: str = "eu-west-1"
    # The KMS key that seals OAuth tokens and client secrets at rest.
    token_key_id: str = ""
    # Mail: the sender address (its domain verified in SES) and the SES configuration set
    # whose events (bounces, complaints) come back to the suppression list.
    mail_from: str = ""
    ses_configuration_set: str = ""
    # The Cognito user pool whose users account deletion removes.
    user_pool_id: str = ""
    # Whose JWTs the device routes' authorizer accepts (Cognito's issuer URL, the app client).
    jwt_issuer: str = ""
    jwt_client_id: str = ""
    # The identity provider's token and revocation endpoints: the website's sign-in ends at
    # ``/v1/session``, which exchanges its code there (``account/session.py``).
    sign_in_token_url: str = ""
    sign_in_revoke_url: str = ""
    # A DNS server to ask for domain verification TXT records (default: the system's).
    dns_nameserver: str = ""
    # A platform's web and API hosts, ``<PLATFORM>_WEB_URL`` / ``<PLATFORM>_API_URL``
    # (the local stack points them at its fakes); unset, the platform's own.
    platform_urls: Mapping[str, str] = field(default_factory=dict)
    # Servers of many-server platforms (Mastodon, Bluesky) an operator names, by host, with
    # the base URL to reach each (``KNOWN_SERVER_URLS``, JSON): trusted as configuration is,
    # so not held to the SSRF guard that every other server a user types is. Unset in AWS;
    # the local stack names its fakes here (``social.example``, ``bsky.example``).
    server_urls: Mapping[str, str] = field(default_factory=dict)
    # Stripe: its API (the local stack points it at its fake), the Secrets Manager secret
    # holding {"secret_key", "webhook_secret"}, and the smallest top-up (fixed fees).
    stripe_api_url: str = "https://api.stripe.com"
    stripe_secret_id: str = "flattr/stripe"  # noqa: S105 - a name, not a secret
    min_payin_cents: int = 200
    min_withdrawal_cents: int = 1000  # a transfer's fixed costs make smaller ones absurd
    payout_country: str = "DE"  # a new payout account's country unless the creator names one
    # The queue between Stripe's webhook (verify, enqueue) and the worker that handles it.
    stripe_events_queue_url: str = ""
    # The queue of owner lookups (a video's channel, a short link's target) that flattrs
    # wait for: the track API queues them, the track worker settles them.
    owner_lookups_queue_url: str = ""
    # Deleting an account (``docs/architecture.md``): the account API queues it for the
    # payments worker (its money leaves first), which announces it on the topic every
    # domain's queue of deletions is subscribed to (each erases its own data).
    account_leaving_queue_url: str = ""
    account_deleted_topic_arn: str = ""
    # ``OWNER_LOOKUPS=off``: flattrs still wait for their lookups, but none is queued, so
    # no provider is asked (an operator's switch; the tests' stacks, which reach no
    # internet); the split then falls back six hours after the month.
    owner_lookups: bool = True
    # A web page's head may name its author (fediverse:creator, rel=author, flattr:id):
    # its flattrs then wait for that lookup. ``PAGE_AUTHORS=off`` keeps the domain at once.
    page_authors: bool = True
    # A URL that names an account only by its handle (github.com/octocat, @user@server,
    # twitch.tv/login, a Flickr alias, a Bluesky or YouTube handle) waits for the handle
    # to be settled to the account's id. ``HANDLE_LOOKUPS=off`` keeps the handle's key.
    handle_lookups: bool = True
    # A GitHub or GitLab repository's page waits for its funding file (FUNDING.yml,
    # funding.json), which may name who is paid for it. ``FUNDING_FILES=off``: the owner.
    funding_files: bool = True

    def require(self, *names: str) -> Settings:
        """Fail now, with the variables' names, if a setting this Lambda needs is empty:
        a cold start that fails says what is missing; a send that fails hours later, or
        a deletion that silently keeps a sign-in, does not."""
        missing = [env_name(name) for name in names if not getattr(self, name)]
        if missing:
            raise MissingSettings(missing)
        return self

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            table_prefix=os.environ.get("TABLE_PREFIX", cls.table_prefix),
            service_version=os.environ.get("SERVICE_VERSION", cls.service_version),
            url_hash_secret_id=os.environ.get("URL_HASH_SECRET_ID", cls.url_hash_secret_id),
            fee_rate_basis_points=_int("FEE_RATE_BASIS_POINTS", cls.fee_rate_basis_points),
            min_monthly_budget_micros=_int(
                "MIN_MONTHLY_BUDGET_MICROS", cls.min_monthly_budget_micros
            ),
            default_monthly_budget_micros=_int(
                "DEFAULT_MONTHLY_BUDGET_MICROS", cls.default_monthly_budget_micros
            ),
            max_body_bytes=_int("MAX_BODY_BYTES", cls.max_body_bytes),
            max_bulk_entries=_int("MAX_BULK_ENTRIES", cls.max_bulk_entries),
            attention_threshold_percent=_int(
                "ATTENTION_THRESHOLD_PERCENT", cls.attention_threshold_percent
            ),
            max_attention_seconds_per_day=_int(
                "MAX_ATTENTION_SECONDS_PER_DAY", cls.max_attention_seconds_per_day
            ),
            max_flattrs_per_day=_int("MAX_FLATTRS_PER_DAY", cls.max_flattrs_per_day),
            max_pages_per_day=_int("MAX_PAGES_PER_DAY", cls.max_pages_per_day),
            max_sites_per_day=_int("MAX_SITES_PER_DAY", cls.max_sites_per_day),
            report_max_age_seconds=_int("REPORT_MAX_AGE_SECONDS", cls.report_max_age_seconds),
            report_max_future_seconds=_int(
                "REPORT_MAX_FUTURE_SECONDS", cls.report_max_future_seconds
            ),
            blocked_domains=_list("BLOCKED_DOMAINS", DEFAULT_BLOCKED_DOMAINS),
            split_status_cache_seconds=_int(
                "SPLIT_STATUS_CACHE_SECONDS", cls.split_status_cache_seconds
            ),
            split_close_grace_seconds=_int(
                "SPLIT_CLOSE_GRACE_SECONDS", cls.split_close_grace_seconds
            ),
            split_workers=max(1, _int("SPLIT_WORKERS", cls.split_workers)),
            deletion_cache_seconds=_int("DELETION_CACHE_SECONDS", cls.deletion_cache_seconds),
            public_url=os.environ.get("PUBLIC_API_URL", "").rstrip("/"),
            aws_region=os.environ.get("AWS_REGION") or cls.aws_region,
            stripe_api_url=os.environ.get("STRIPE_API_URL", cls.stripe_api_url).rstrip("/"),
            stripe_secret_id=os.environ.get("STRIPE_SECRET_ID", cls.stripe_secret_id),
            min_payin_cents=_int("MIN_PAYIN_CENTS", cls.min_payin_cents),
            min_withdrawal_cents=_int("MIN_WITHDRAWAL_CENTS", cls.min_withdrawal_cents),
            payout_country=os.environ.get("PAYOUT_COUNTRY", cls.payout_country),
            owner_lookups=_on("OWNER_LOOKUPS"),
            page_authors=_on("PAGE_AUTHORS"),
            handle_lookups=_on("HANDLE_LOOKUPS"),
            funding_files=_on("FUNDING_FILES"),
            platform_urls=_platform_urls(),
            server_urls=_server_urls(),
            **{name: os.environ.get(env_name(name), "") for name in PLAIN},
        )


def _server_urls() -> dict[str, str]:
    raw = os.environ.get("KNOWN_SERVER_URLS", "")
    if not raw:
        return {}
    found = json.loads(raw)
    if not isinstance(found, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in found.items()
    ):
        raise ValueError("KNOWN_SERVER_URLS: a JSON object of host names to base URLs")
    return {host.lower(): url.rstrip("/") for host, url in found.items()}


def _platform_urls() -> dict[str, str]:
    return {
        name: value
        for name, value in os.environ.items()
        if PLATFORM_URL.match(name) and name != "PUBLIC_API_URL" and value
    }


@cache
def settings() -> Settings:
    return Settings.from_env()


# How many shards a month's flattrs are spread over for the monthly split, unless the
# month has a plan (``core.flattrs.plan_shards``: chosen from the contributors of the
# month two before it, so it never changes once the month has begun).
SPLIT_SHARDS = 64
# A shard's contributors are split one transaction after another in one Lambda (15 min at
# most): a plan gives each shard about this many of the last split's contributors.
CONTRIBUTORS_PER_SHARD = 5_000
MIN_SPLIT_SHARDS = 4
MAX_SPLIT_SHARDS = 4096
# Shards (and credit partitions) split at once: 128 Lambdas writing ~8 write units per
# contributor every ~30 ms stay under a table's 40,000 WRU/s default (docs/scale.md).
MAX_SPLIT_CONCURRENCY = 128
