"""One Lambda per domain folder, each with its own least-privilege role."""

from __future__ import annotations

from dataclasses import dataclass, field

from aws_cdk import ArnFormat, Duration, RemovalPolicy, Stack
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from infra.bundling import ARCHITECTURE, dependencies_code, functions_code
from infra.tables import Tables

RUNTIME = lambda_.Runtime.PYTHON_3_14


@dataclass(frozen=True)
class Access:
    """What a domain's Lambda may touch: tables it reads, tables it writes."""

    reads: tuple[str, ...] = ()
    writes: tuple[str, ...] = ()
    url_hash_secret: bool = False
    token_key: bool = False
    send_email: bool = False
    oauth_clients: bool = False  # read the secrets flattr/oauth/<platform>
    events_handler: bool = False  # a third Lambda: ``events_handler``, fed by a queue
    events_reads: tuple[str, ...] = ()  # tables only that third Lambda reads
    # cognito-idp actions on the user pool (AdminDeleteUser; AdminGetUser: is TOTP on).
    # Turning TOTP on needs none: Cognito's API takes the user's own access token for it.
    user_pool_actions: tuple[str, ...] = ()
    stripe_secret: bool = False  # read the secret flattr/stripe (Stripe's API and webhook keys)
    # The website's session (/v1/session): the user pool domain's token endpoints, the client.
    sign_in: bool = False
    extra_env: dict[str, str] = field(default_factory=dict)


STRIPE_SECRET = "flattr/stripe"  # noqa: S105 - its name; operators store the keys (docs/operating.md)

DOMAIN_ACCESS: dict[str, Access] = {
    "track": Access(
        # usernames: the REST API v2's users are found by their names.
        reads=("users", "usernames", "recipients", "month-splits"),
        # lookups: owner answers read, months marked waiting; the worker keeps answers.
        # handle-aliases: a handle settled to its account id is put on record.
        # app-grants: the REST API v2's tokens, their last use noted; rate-limits: its
        # hourly limits per person and per app.
        writes=("flattrs", "activity", "lookups", "handle-aliases", "app-grants", "rate-limits"),
        url_hash_secret=True,
        events_handler=True,  # the owner-lookup worker (infra/lookups.py)
        token_key=True,  # an address a page names as its receiver is kept sealed
        oauth_clients=True,  # handles settled to ids with our apps' keys (GitHub, Twitch, Flickr)
    ),
    "payout": Access(
        reads=("recipients",),
        # lookups: the split settles what its month's flattrs still wait for.
        writes=(
            "users",
            "usernames",  # PATCH /v1/me takes a username, releases the old one
            "avatars",  # PUT /v1/me/avatar
            "pledges",  # /v1/pledges; the split reads a shard's
            "flattrs",
            "month-splits",
            "ledger",
            "escrow",
            "stats",
            "sent-mail",
            "lookups",
            "handle-aliases",
        ),
        send_email=True,  # the monthly statements
        # The split settles what its month still waits for: a page's declared author (an
        # address is keyed and sealed), a handle (asked with our apps' keys).
        url_hash_secret=True,
        token_key=True,
        oauth_clients=True,
    ),
    "claim": Access(
        # lookups: an email recipient's sealed address (token_key opens it), name, image.
        # usernames: a creator's public page is found by its name.
        # avatars: the picture on a creator's page.
        reads=("users", "usernames", "avatars", "connections", "flattrs", "handle-aliases"),
        writes=(
            "recipients",
            "escrow",
            "ledger",
            "stats",  # a claim, a decline: what became of a month's held money
            "claim-tokens",
            "email-state",
            "suppressions",
            "domains",
            "verified-domains",
            "proven-emails",
            "donor-notices",
            "catalogue",
            "lookups",  # a claimed address's seal is dropped
            "rate-limits",  # proof links asked per account, mailed per address, a day
        ),
        send_email=True,
        url_hash_secret=True,
        token_key=True,
        events_handler=True,
        oauth_clients=True,  # GitHub profile reads with our app's credentials
    ),
    "account": Access(
        # The export reads each domain's records of the user (through its ``personal``).
        reads=(
            "escrow",
            "ledger",
            "activity",
            "connections",
            "domains",
            "proven-emails",
            "donor-notices",
            "payins",
            "refunds",
            "withdrawals",
            "payout-accounts",
            "monthly-top-ups",
        ),
        # The deletion's tombstone; the worker erases the records domains share.
        writes=(
            "deleted-users",
            "users",
            "usernames",
            "avatars",  # the export shows the picture; the deletion removes it
            "apps",  # apps registered for the REST API v2, and their authorization server
            "app-codes",
            "app-grants",
            "flattrs",
            "pledges",  # the export lists them; the deletion removes them
            "recipients",
            "device-tokens",
        ),
        events_handler=True,  # the account-deleted worker (infra/deletions.py)
        user_pool_actions=("cognito-idp:AdminDeleteUser",),
        sign_in=True,  # the website's session cookie (/v1/session)
    ),
    "payments": Access(
        reads=("flattrs",),  # whether someone short of their budget gave flattrs this month
        # users: notices go to the user's address; when TOTP was turned on is kept there.
        writes=(
            "payins",
            "refunds",
            "ledger",
            "payout-accounts",
            "withdrawals",
            "monthly-top-ups",
            "reconciliation",
            "sent-mail",
            "idempotency",  # Powertools idempotency of the money writes
            "users",
        ),
        stripe_secret=True,
        events_handler=True,  # the worker behind the webhook's queue (infra/payments.py)
        # Money leaves only after TOTP; notices about it go to the sign-in address.
        user_pool_actions=("cognito-idp:AdminGetUser",),
        send_email=True,
        extra_env={"STRIPE_SECRET_ID": STRIPE_SECRET},
    ),
    # The device routes' authorizer (functions/authorizer): device tokens, their last use.
    "authorizer": Access(writes=("device-tokens",)),
    "connections": Access(
        reads=("users", "month-splits"),
        # A deleted account's handles stay sealed while escrow waits under them.
        events_reads=("escrow",),
        writes=(
            "recipients",  # a moved connection takes its claims along
            "connections",
            "connected-identities",
            "oauth-states",
            "oauth-clients",
            "app-budgets",
            "flattrs",
            "handle-aliases",
        ),
        token_key=True,
        oauth_clients=True,
        send_email=True,  # the previous user of a moved connection is told
        events_handler=True,  # the account-deleted worker (infra/deletions.py)
    ),
}


class DomainFunctions(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        api_domains: tuple[str, ...],
        job_domains: tuple[str, ...],
        tables: Tables,
        table_prefix: str,
        url_hash_secret: secretsmanager.ISecret,
        token_key: kms.IKey,
        email_identity_arn: str,
        configuration_set: str,
        log_level: str,
        public_api_url: str,
        mail_from: str,
        user_pool: cognito.IUserPool,
        user_pool_client: cognito.IUserPoolClient,
        sign_in_url: str,
    ) -> None:
        super().__init__(scope, construct_id)
        dependencies = lambda_.LayerVersion(
            self,
            "Dependencies",
            code=dependencies_code(),
            compatible_runtimes=[RUNTIME],
            compatible_architectures=[ARCHITECTURE],
            description="pinned third-party packages of the handlers",
        )
        code = functions_code()
        self.api: dict[str, lambda_.Function] = {}
        self.jobs: dict[str, lambda_.Function] = {}
        self.events: dict[str, lambda_.Function] = {}
        for domain in sorted(set(api_domains) | set(job_domains)):
            access = DOMAIN_ACCESS[domain]
            env = {
                "TABLE_PREFIX": table_prefix,
                "URL_HASH_SECRET_ID": url_hash_secret.secret_name,
                "POWERTOOLS_SERVICE_NAME": domain,
                "POWERTOOLS_METRICS_NAMESPACE": "Flattr",
                "POWERTOOLS_LOG_LEVEL": log_level,
                "TOKEN_KEY_ID": token_key.key_id,
                "SES_CONFIGURATION_SET": configuration_set,
                "PUBLIC_API_URL": public_api_url,
                "MAIL_FROM": mail_from,
                **({"USER_POOL_ID": user_pool.user_pool_id} if access.user_pool_actions else {}),
                **(
                    {
                        "JWT_CLIENT_ID": user_pool_client.user_pool_client_id,
                        "SIGN_IN_TOKEN_URL": f"{sign_in_url}/oauth2/token",
                        "SIGN_IN_REVOKE_URL": f"{sign_in_url}/oauth2/revoke",
                    }
                    if access.sign_in
                    else {}
                ),
                **access.extra_env,
            }
            kinds = [("Api", "lambda_handler")] if domain in api_domains else []
            kinds += [("Jobs", "job_handler")] if domain in job_domains else []
            kinds += [("Events", "events_handler")] if access.events_handler else []
            for kind, entry in kinds:
                function = self._function(
                    f"{domain.title()}{kind}",
                    domain,
                    entry,
                    code,
                    dependencies,
                    env,
                    access,
                    tables,
                    url_hash_secret,
                    token_key,
                    email_identity_arn,
                )
                {"Api": self.api, "Jobs": self.jobs, "Events": self.events}[kind][domain] = function
                if kind == "Api" and function.role is not None:
                    # Every API request asks whether its user was deleted.
                    tables.by_name["deleted-users"].grant_read_data(function.role)
                if access.user_pool_actions and function.role is not None:
                    user_pool.grant(function.role, *access.user_pool_actions)

        # The authorizer of the routes a browser extension may call: Cognito's JWTs (of
        # this user pool and app client) or device tokens.
        issuer = f"https://cognito-idp.{Stack.of(self).region}.amazonaws.com/"
        self.authorizer = self._function(
            "Authorizer",
            "authorizer",
            "lambda_handler",
            code,
            dependencies,
            {
                "TABLE_PREFIX": table_prefix,
                "POWERTOOLS_SERVICE_NAME": "authorizer",
                "POWERTOOLS_METRICS_NAMESPACE": "Flattr",
                "POWERTOOLS_LOG_LEVEL": log_level,
                "JWT_ISSUER": issuer + user_pool.user_pool_id,
                "JWT_CLIENT_ID": user_pool_client.user_pool_client_id,
            },
            DOMAIN_ACCESS["authorizer"],
            tables,
            url_hash_secret,
            token_key,
            email_identity_arn,
        )

    def _read_secrets(self, role: iam.IRole, name_pattern: str) -> None:
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["secretsmanager:GetSecretValue"],
                resources=[
                    Stack.of(self).format_arn(
                        service="secretsmanager",
                        resource="secret",
                        resource_name=name_pattern,
                        arn_format=ArnFormat.COLON_RESOURCE_NAME,
                    )
                ],
            )
        )

    def _function(
        self,
        construct_id: str,
        domain: str,
        entry: str,
        code: lambda_.Code,
        dependencies: lambda_.ILayerVersion,
        env: dict[str, str],
        access: Access,
        tables: Tables,
        url_hash_secret: secretsmanager.ISecret,
        token_key: kms.IKey,
        email_identity_arn: str,
    ) -> lambda_.Function:
        log_group = logs.LogGroup(
            self,
            f"{construct_id}Logs",
            retention=logs.RetentionDays.ONE_MONTH,
            removal_policy=RemovalPolicy.DESTROY,
        )
        role = iam.Role(
            self,
            f"{construct_id}Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"{domain} {entry}: least privilege",
        )
        log_group.grant_write(role)
        function = lambda_.Function(
            self,
            construct_id,
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            handler=f"functions.{domain}.handler.{entry}",
            code=code,
            layers=[dependencies],
            memory_size=512 if entry == "lambda_handler" else 1024,
            timeout=Duration.seconds(29 if entry == "lambda_handler" else 900),
            environment={**env, "POWERTOOLS_SERVICE_NAME": domain},
            role=role,
            log_group=log_group,
            tracing=lambda_.Tracing.ACTIVE,
        )
        reads = access.reads + (access.events_reads if entry == "events_handler" else ())
        for name in reads:
            tables.by_name[name].grant_read_data(role)
        for name in access.writes:
            tables.by_name[name].grant_read_write_data(role)
        if access.url_hash_secret:
            url_hash_secret.grant_read(role)
        if access.token_key:
            token_key.grant(role, "kms:GenerateDataKey", "kms:Decrypt")
        if access.oauth_clients:
            self._read_secrets(role, "flattr/oauth/*")
        if access.stripe_secret:
            self._read_secrets(role, f"{STRIPE_SECRET}-??????")  # Secrets Manager's suffix
        if access.send_email:
            role.add_to_policy(
                iam.PolicyStatement(
                    actions=["ses:SendEmail", "ses:SendRawEmail"],
                    resources=[email_identity_arn],
                )
            )
        return function
