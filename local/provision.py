"""Creates everything a deployment holds, on the emulator: tables from the models,
the URL-hash secret, the platform-token KMS key, the SES identity, the user pool.

Used by the local stack and by the test fixtures, so both run on the same shapes
as the CDK app (which builds its tables from the same models).
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass

import boto3

from functions.common.settings import Settings
from functions.common.settings import settings as current_settings
from functions.common.storage import ensure_bound
from functions.core.platforms.registry import CONNECTABLE
from functions.tables import TABLE_MODELS

SENDER = "noreply@flattr.local"
CONFIGURATION_SET = "flattr-mail"


@dataclass(frozen=True)
class Provisioned:
    user_pool_id: str
    client_id: str
    kms_key_id: str


def read_secret(name: str) -> dict[str, str]:
    """A JSON secret as provisioned in the emulated account (the fakes need our keys)."""
    value = boto3.client("secretsmanager").get_secret_value(SecretId=name)["SecretString"]
    found: dict[str, str] = json.loads(value)
    return found


def secret_platforms() -> list[str]:
    """Platforms whose OAuth client is a secret (not registered per server, not public)."""
    return [name for name, adapter in CONNECTABLE.items() if adapter.secret_client]


def create_tables(settings: Settings) -> None:
    ensure_bound()
    for model in TABLE_MODELS:
        if not model.exists():
            model.create_table(wait=True)


def provision(
    settings: Settings,
    region: str = "eu-west-1",
    *,
    user_pool: bool = True,
    make_tables: Callable[[Settings], None] = create_tables,
) -> Provisioned:
    """Everything a deployment holds; ``make_tables`` makes its tables (the tests restore
    a copy of tables made once, ``tests/conftest.py``)."""
    make_tables(settings)
    secretsmanager = boto3.client("secretsmanager", region_name=region)
    secretsmanager.create_secret(
        Name=settings.url_hash_secret_id, SecretString=secrets.token_urlsafe(32)
    )
    # OAuth clients of the platforms; in AWS an operator stores the real ones (docs/operating.md).
    for platform in secret_platforms():
        secretsmanager.create_secret(
            Name=f"flattr/oauth/{platform}",
            SecretString=json.dumps(
                {"client_id": f"local-{platform}", "client_secret": secrets.token_urlsafe(24)}
            ),
        )
    # Stripe's keys; in AWS an operator stores the real ones (docs/operating.md). Locally the fake
    # Stripe accepts any secret key and signs its events with this webhook secret.
    secretsmanager.create_secret(
        Name=settings.stripe_secret_id,
        SecretString=json.dumps(
            {"secret_key": "sk_test_local", "webhook_secret": f"whsec_{secrets.token_hex(16)}"}
        ),
    )
    from local.queues import create_queues

    queues = create_queues()
    os.environ["STRIPE_EVENTS_QUEUE_URL"] = queues["flattr-stripe-events"]  # as CDK sets it
    os.environ["OWNER_LOOKUPS_QUEUE_URL"] = queues["flattr-owner-lookups"]
    os.environ["ACCOUNT_LEAVING_QUEUE_URL"] = queues["flattr-account-leaving"]
    os.environ["ACCOUNT_DELETED_TOPIC_ARN"] = queues["flattr-account-deleted"]
    kms = boto3.client("kms", region_name=region)
    key_id = kms.create_key(Description="platform tokens")["KeyMetadata"]["KeyId"]
    os.environ["TOKEN_KEY_ID"] = key_id  # what the CDK app sets on the Lambdas
    ses = boto3.client("ses", region_name=region)
    ses.verify_email_identity(EmailAddress=SENDER)
    ses.create_configuration_set(ConfigurationSet={"Name": CONFIGURATION_SET})
    os.environ["MAIL_FROM"] = SENDER  # what the CDK app sets on the Lambdas
    os.environ["SES_CONFIGURATION_SET"] = CONFIGURATION_SET
    if not user_pool:
        current_settings.cache_clear()
        return Provisioned(user_pool_id="", client_id="", kms_key_id=key_id)
    cognito = boto3.client("cognito-idp", region_name=region)
    pool_id = cognito.create_user_pool(
        PoolName="flattr-users", UsernameAttributes=["email"], AutoVerifiedAttributes=["email"]
    )["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="web")[
        "UserPoolClient"
    ]["ClientId"]
    os.environ["USER_POOL_ID"] = pool_id  # what the CDK app sets on the account Lambda
    current_settings.cache_clear()  # read again, with the variables just set
    return Provisioned(user_pool_id=pool_id, client_id=client_id, kms_key_id=key_id)
