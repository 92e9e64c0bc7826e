"""The whole service as one stack."""

from __future__ import annotations

from aws_cdk import CfnOutput, Duration, RemovalPolicy, Stack
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_kms as kms
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_ses as ses
from constructs import Construct

from functions.deployment import JOBS, ROUTES
from infra.api import Api
from infra.deletions import AccountDeletions
from infra.functions import DomainFunctions
from infra.lookups import OwnerLookups
from infra.mail import MailEvents
from infra.payments import PaymentEvents
from infra.schedules import Schedules
from infra.sign_in_look import SIGN_IN_CSS
from infra.site import Site
from infra.tables import Tables


class FlattrStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stage: str,
        mail_domain: str,
        site_domain: str,
        certificate_arn: str | None = None,
        api_certificate_arn: str | None = None,
        log_level: str = "INFO",
        **kwargs: object,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        self.certificate_arn = certificate_arn
        prefix = f"flattr-{stage}-"
        self.tables = Tables(self, "Tables", prefix=prefix)

        self.user_pool = cognito.UserPool(
            self,
            "Users",
            sign_in_aliases=cognito.SignInAliases(email=True),
            self_sign_up_enabled=True,
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            password_policy=cognito.PasswordPolicy(
                min_length=12,
                require_digits=True,
                require_lowercase=True,
                require_uppercase=True,
                require_symbols=True,
            ),
            mfa=cognito.Mfa.OPTIONAL,
            mfa_second_factor=cognito.MfaSecondFactor(sms=False, otp=True),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            deletion_protection=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        site = f"https://{site_domain}"
        # The website signs in with the authorization code flow and PKCE on Cognito's
        # hosted pages (a public client: no secret, no implicit flow).
        self.auth_domain = self.user_pool.add_domain(
            "SignIn",
            cognito_domain=cognito.CognitoDomainOptions(domain_prefix=f"flattr-{stage}-sign-in"),
        )
        self.user_pool_client = self.user_pool.add_client(
            "Web",
            auth_flows=cognito.AuthFlow(user_srp=True),
            generate_secret=False,
            o_auth=cognito.OAuthSettings(
                flows=cognito.OAuthFlows(authorization_code_grant=True, implicit_code_grant=False),
                # The admin scope lets the user's access token set up TOTP through
                # Cognito's API (our /v1/me/totp passes it on).
                scopes=[
                    cognito.OAuthScope.OPENID,
                    cognito.OAuthScope.EMAIL,
                    cognito.OAuthScope.COGNITO_ADMIN,
                ],
                callback_urls=[f"{site}/signed-in"],
                logout_urls=[f"{site}/"],
            ),
            access_token_validity=Duration.hours(1),
            id_token_validity=Duration.hours(1),
            refresh_token_validity=Duration.days(30),
            enable_token_revocation=True,
            prevent_user_existence_errors=True,
        )
        # The hosted sign-in pages in the site's look (the domain must exist first).
        look = cognito.CfnUserPoolUICustomizationAttachment(
            self,
            "SignInLook",
            user_pool_id=self.user_pool.user_pool_id,
            client_id=self.user_pool_client.user_pool_client_id,
            css=SIGN_IN_CSS,
        )
        look.node.add_dependency(self.auth_domain)

        self.token_key = kms.Key(
            self,
            "PlatformTokenKey",
            description="envelope encryption of connected platforms' OAuth tokens",
            enable_key_rotation=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        self.url_hash_secret = secretsmanager.Secret(
            self,
            "UrlHashKey",
            description="HMAC key for URLs and sites that have not earned a flattr",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                password_length=48, exclude_punctuation=True
            ),
        )

        self.configuration_set = ses.ConfigurationSet(
            self,
            "MailConfiguration",
            suppression_reasons=ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
        )
        self.email_identity = ses.EmailIdentity(
            self,
            "MailIdentity",
            identity=ses.Identity.domain(mail_domain),
            configuration_set=self.configuration_set,
        )
        identity_arn = self.format_arn(
            service="ses", resource="identity", resource_name=mail_domain
        )

        api_domains = tuple(sorted({route.domain for route in ROUTES}))
        job_domains = tuple(sorted({job.domain for job in JOBS}))
        self.functions = DomainFunctions(
            self,
            "Functions",
            api_domains=api_domains,
            job_domains=job_domains,
            tables=self.tables,
            table_prefix=prefix,
            url_hash_secret=self.url_hash_secret,
            token_key=self.token_key,
            email_identity_arn=identity_arn,
            configuration_set=self.configuration_set.configuration_set_name,
            log_level=log_level,
            public_api_url=site,  # every browser-facing URL the API builds: the site's
            mail_from=f"noreply@{mail_domain}",
            user_pool=self.user_pool,
            user_pool_client=self.user_pool_client,
            sign_in_url=self.auth_domain.base_url(),
        )
        self.api = Api(
            self,
            "Api",
            functions=dict(self.functions.api),
            user_pool=self.user_pool,
            user_pool_client=self.user_pool_client,
            devices_authorizer=self.functions.authorizer,
            rate_limit=200,
            burst_limit=400,
            api_domain=f"api.{site_domain}" if api_certificate_arn else None,
            api_certificate_arn=api_certificate_arn,
        )
        self.site = Site(
            self,
            "Site",
            domain=site_domain,
            certificate_arn=certificate_arn,
            api_endpoint=self.api.http_api.api_endpoint,
            config={
                "authority": f"https://cognito-idp.{self.region}.amazonaws.com/"
                f"{self.user_pool.user_pool_id}",
                "client_id": self.user_pool_client.user_pool_client_id,
            },
            connect_origins=(
                f"https://cognito-idp.{self.region}.amazonaws.com",
                self.auth_domain.base_url(),
            ),
        )
        self.schedules = Schedules(self, "Schedules", functions=dict(self.functions.jobs))
        self.payment_events = PaymentEvents(
            self,
            "PaymentEvents",
            webhook=self.functions.api["payments"],
            worker=self.functions.events["payments"],
        )
        self.owner_lookups = OwnerLookups(
            self,
            "OwnerLookups",
            api=self.functions.api["track"],
            worker=self.functions.events["track"],
        )
        self.account_deletions = AccountDeletions(
            self,
            "AccountDeletions",
            api=self.functions.api["account"],
            money_worker=self.functions.events["payments"],
            workers=dict(self.functions.events),
        )
        self.mail_events = MailEvents(
            self,
            "MailEvents",
            configuration_set=self.configuration_set,
            handler=self.functions.events["claim"],
        )
        CfnOutput(self, "ApiUrl", value=self.api.http_api.api_endpoint)
        CfnOutput(self, "SiteDistribution", value=self.site.distribution.domain_name)
        CfnOutput(self, "UserPoolId", value=self.user_pool.user_pool_id)
        CfnOutput(self, "UserPoolClientId", value=self.user_pool_client.user_pool_client_id)
