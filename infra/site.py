"""The website in AWS: its files in a private S3 bucket behind CloudFront (origin access
control, HTTPS only, security headers), and the API's paths routed to the HTTP API on the
same origin, so that site and API share one origin (no CORS)."""

from __future__ import annotations

from pathlib import Path

from aws_cdk import Duration, Fn, RemovalPolicy
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3deploy
from constructs import Construct

from infra.headers import API_PATHS, HSTS_SECONDS, content_security_policy

WEB_DIST = Path(__file__).resolve().parents[1] / "web" / "dist"

# Page paths (no file extension) are the site's pages: the browser routes them.
PAGE_REWRITE = """function handler(event) {
  var request = event.request;
  var last = request.uri.split('/').pop();
  if (last.indexOf('.') === -1) { request.uri = '/index.html'; }
  return request;
}"""


class Site(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        domain: str,
        certificate_arn: str | None,
        api_endpoint: str,
        config: dict[str, str],
        connect_origins: tuple[str, ...],
    ) -> None:
        super().__init__(scope, construct_id)
        if not (WEB_DIST / "index.html").is_file():
            raise FileNotFoundError(f"{WEB_DIST} is missing: `make site` builds it")
        self.bucket = s3.Bucket(
            self,
            "Files",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            removal_policy=RemovalPolicy.DESTROY,
            auto_delete_objects=False,
        )
        headers = self._headers(connect_origins)
        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment="flattr website and API",
            domain_names=[domain] if certificate_arn else None,
            certificate=(
                acm.Certificate.from_certificate_arn(self, "Certificate", certificate_arn)
                if certificate_arn
                else None
            ),
            minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            default_root_object="index.html",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                response_headers_policy=headers,
                compress=True,
                function_associations=[
                    cloudfront.FunctionAssociation(
                        event_type=cloudfront.FunctionEventType.VIEWER_REQUEST,
                        function=cloudfront.Function(
                            self,
                            "Pages",
                            code=cloudfront.FunctionCode.from_inline(PAGE_REWRITE),
                            runtime=cloudfront.FunctionRuntime.JS_2_0,
                        ),
                    )
                ],
            ),
            additional_behaviors=self._api_behaviors(api_endpoint, headers),
        )
        s3deploy.BucketDeployment(
            self,
            "Deploy",
            sources=[
                s3deploy.Source.asset(str(WEB_DIST)),
                s3deploy.Source.json_data("config.json", config),
            ],
            destination_bucket=self.bucket,
            distribution=self.distribution,
            distribution_paths=["/*"],
            cache_control=[s3deploy.CacheControl.from_string("public, max-age=300")],
        )

    def _headers(self, connect_origins: tuple[str, ...]) -> cloudfront.ResponseHeadersPolicy:
        return cloudfront.ResponseHeadersPolicy(
            self,
            "Headers",
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                    content_security_policy=content_security_policy(*connect_origins),
                    override=True,
                ),
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=Duration.seconds(HSTS_SECONDS),
                    include_subdomains=True,
                    preload=True,
                    override=True,
                ),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                frame_options=cloudfront.ResponseHeadersFrameOptions(
                    frame_option=cloudfront.HeadersFrameOption.DENY, override=True
                ),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
                    override=False,  # the API's claim pages send no-referrer: keep it
                ),
            ),
        )

    def _api_behaviors(
        self, api_endpoint: str, headers: cloudfront.IResponseHeadersPolicy
    ) -> dict[str, cloudfront.BehaviorOptions]:
        api_host = Fn.select(2, Fn.split("/", api_endpoint))  # https://<id>.execute-api...
        api = origins.HttpOrigin(
            api_host, protocol_policy=cloudfront.OriginProtocolPolicy.HTTPS_ONLY
        )
        behavior = cloudfront.BehaviorOptions(
            origin=api,
            viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
            allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
            cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
            origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
            response_headers_policy=headers,
            compress=True,
        )
        return {f"{path}*": behavior for path in API_PATHS}
