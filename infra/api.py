"""The HTTP API: routes from the shared route table, JWT auth, access logs, throttling."""

from __future__ import annotations

import jsii
from aws_cdk import CfnOutput, Duration, RemovalPolicy
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_apigatewayv2 as apigw
from aws_cdk import aws_apigatewayv2_authorizers as authorizers
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from functions.deployment import CATCH_ALL, ROUTES

# No query strings, paths or headers: they can carry URLs and tokens.
ACCESS_LOG_FORMAT = (
    '{"requestId":"$context.requestId","requestTime":"$context.requestTime",'
    '"routeKey":"$context.routeKey","status":"$context.status",'
    '"latency":"$context.responseLatency","integrationError":"$context.integrationErrorMessage"}'
)


@jsii.implements(apigw.IAccessLogSettings)
class _AccessLogs:
    def __init__(self, log_group: logs.ILogGroup) -> None:
        self._destination = apigw.LogGroupLogDestination(log_group)

    @property
    def destination(self) -> apigw.IAccessLogDestination:
        return self._destination

    @property
    def format(self) -> apigateway.AccessLogFormat:
        return apigateway.AccessLogFormat.custom(ACCESS_LOG_FORMAT)


class Api(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        functions: dict[str, lambda_.IFunction],
        user_pool: cognito.IUserPool,
        user_pool_client: cognito.IUserPoolClient,
        devices_authorizer: lambda_.IFunction,
        rate_limit: int,
        burst_limit: int,
        api_domain: str | None = None,
        api_certificate_arn: str | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.http_api = apigw.HttpApi(
            self, "HttpApi", create_default_stage=False, description="flattr API v1"
        )
        access_logs = logs.LogGroup(
            self,
            "AccessLogs",
            retention=logs.RetentionDays.THREE_MONTHS,
            removal_policy=RemovalPolicy.DESTROY,
        )
        self.stage = apigw.HttpStage(
            self,
            "DefaultStage",
            http_api=self.http_api,
            stage_name="$default",
            auto_deploy=True,
            throttle=apigw.ThrottleSettings(rate_limit=rate_limit, burst_limit=burst_limit),
            access_log_settings=_AccessLogs(access_logs),
        )
        authorizer = authorizers.HttpUserPoolAuthorizer(
            "Cognito", user_pool, user_pool_clients=[user_pool_client]
        )
        # A JWT or a device token (functions/authorizer): always "authorized", with the
        # caller in the context or none, so that the route answers 401 itself (a refusing
        # authorizer's 403 would make the Flattr extension resend forever). Cached five
        # minutes per token: a revoked device token is refused within five minutes.
        devices = authorizers.HttpLambdaAuthorizer(
            "Devices",
            devices_authorizer,
            response_types=[authorizers.HttpLambdaResponseType.SIMPLE],
            identity_source=["$request.header.Authorization"],
            results_cache_ttl=Duration.minutes(5),
        )
        integration = {
            domain: integrations.HttpLambdaIntegration(f"{domain.title()}Integration", function)
            for domain, function in functions.items()
        }
        for route in ROUTES + CATCH_ALL:
            self.http_api.add_routes(
                path=route.path,
                methods=[apigw.HttpMethod(route.method)],
                integration=integration[route.domain],
                authorizer=(
                    apigw.HttpNoneAuthorizer()
                    if route.public
                    else devices
                    if route.devices
                    else authorizer
                ),
            )
        if api_domain and api_certificate_arn:
            # The Flattr extension's builds call api.<site domain> (its /rest/v2 route).
            self.domain = apigw.DomainName(
                self,
                "Domain",
                domain_name=api_domain,
                certificate=acm.Certificate.from_certificate_arn(
                    self, "Certificate", api_certificate_arn
                ),
            )
            apigw.ApiMapping(
                self, "Mapping", api=self.http_api, domain_name=self.domain, stage=self.stage
            )
            CfnOutput(
                self,
                "ApiDomainTarget",
                value=self.domain.regional_domain_name,
                description=f"point {api_domain} (CNAME or alias) here",
            )
