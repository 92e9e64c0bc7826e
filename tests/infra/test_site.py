"""The website in AWS (CDK, synthesised offline): a private bucket behind CloudFront with
origin access control, HTTPS only, security headers without unsafe-inline, the API's paths
routed to the HTTP API on the same origin, Cognito's hosted sign-in with the code flow for
the site's own callback, and every browser-facing URL the API builds on the site's origin."""

from __future__ import annotations

import json
import subprocess

import pytest

from infra.headers import API_PATHS
from infra.site import PAGE_REWRITE
from tests.infra.test_stack import NO_BUNDLING, our_functions, resources

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # AWS managed cache policy
SITE = "https://flattr.example.org"


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    from aws_cdk import assertions

    from infra.app import build

    app = build(context=NO_BUNDLING, outdir=str(tmp_path_factory.mktemp("cdk")))
    app.synth()
    return assertions.Template.from_stack(app.node.find_child("Flattr-test"))


def only(template, kind):
    (found,) = resources(template, kind).values()
    return found["Properties"]


def test_the_bucket_is_private_and_read_only_through_cloudfront(template):
    bucket = only(template, "AWS::S3::Bucket")
    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    oac = only(template, "AWS::CloudFront::OriginAccessControl")
    assert oac["OriginAccessControlConfig"]["SigningBehavior"] == "always"
    statements = only(template, "AWS::S3::BucketPolicy")["PolicyDocument"]["Statement"]
    reads = [s for s in statements if s.get("Principal") == {"Service": "cloudfront.amazonaws.com"}]
    assert reads and all("AWS:SourceArn" in json.dumps(s["Condition"]) for s in reads)
    assert any(s["Effect"] == "Deny" and "aws:SecureTransport" in json.dumps(s) for s in statements)


def test_the_site_and_the_api_share_one_origin_over_https(template):
    config = only(template, "AWS::CloudFront::Distribution")["DistributionConfig"]
    default = config["DefaultCacheBehavior"]
    assert default["ViewerProtocolPolicy"] == "redirect-to-https"
    assert default["FunctionAssociations"][0]["EventType"] == "viewer-request"
    assert config["DefaultRootObject"] == "index.html"
    behaviors = {b["PathPattern"]: b for b in config["CacheBehaviors"]}
    assert set(behaviors) == {f"{path}*" for path in API_PATHS}
    assert {
        "/v1/*",
        "/claim/*",
        "/rest/*",
        "/oauth/bluesky/*",
        "/oauth/token*",  # apps' token and revocation endpoints; /oauth/authorize is a page
        "/oauth/revoke*",
    } == set(behaviors)
    for behavior in behaviors.values():
        assert behavior["ViewerProtocolPolicy"] == "https-only"
        assert behavior["CachePolicyId"] == CACHING_DISABLED  # answers are per person
        assert {"POST", "PATCH", "DELETE"} <= set(behavior["AllowedMethods"])
        assert behavior["ResponseHeadersPolicyId"] == default["ResponseHeadersPolicyId"]
    origins = {o["Id"]: o for o in config["Origins"]}
    api = next(o for o in origins.values() if "CustomOriginConfig" in o)
    assert api["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    assert "HttpApi" in json.dumps(api["DomainName"])


def test_security_headers_allow_no_inline_code(template):
    policy = only(template, "AWS::CloudFront::ResponseHeadersPolicy")
    headers = policy["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    csp = json.dumps(headers["ContentSecurityPolicy"]["ContentSecurityPolicy"])
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "cognito-idp" in csp and "amazoncognito.com" in csp  # sign-in calls, and no more
    hsts = headers["StrictTransportSecurity"]
    assert hsts["AccessControlMaxAgeSec"] >= 31_536_000
    assert hsts["IncludeSubdomains"] and hsts["Preload"]
    assert headers["FrameOptions"]["FrameOption"] == "DENY"
    assert headers["ContentTypeOptions"]["Override"] is True


def test_sign_in_is_the_code_flow_for_the_sites_callback(template):
    client = only(template, "AWS::Cognito::UserPoolClient")
    assert client["AllowedOAuthFlows"] == ["code"]  # no implicit flow
    assert client["AllowedOAuthFlowsUserPoolClient"] is True
    assert client["CallbackURLs"] == [f"{SITE}/signed-in"]
    assert client["LogoutURLs"] == [f"{SITE}/"]
    assert not client.get("GenerateSecret")  # a public client: PKCE, no secret in a page
    assert client["EnableTokenRevocation"] is True
    assert only(template, "AWS::Cognito::UserPoolDomain")["Domain"].startswith("flattr-test-")


def test_browser_facing_urls_are_on_the_sites_origin(template):
    for function in our_functions(template).values():
        env = function["Properties"]["Environment"]["Variables"]
        assert env.get("PUBLIC_API_URL", SITE) == SITE


def test_the_deployment_writes_the_sites_files_and_its_sign_in_config(template):
    (deployment,) = resources(template, "Custom::CDKBucketDeployment").values()
    props = deployment["Properties"]
    assert props["DistributionPaths"] == ["/*"]  # a deploy is seen at once
    assert len(props["SourceObjectKeys"]) == 2  # web/dist, and config.json
    markers = json.dumps(props.get("SourceMarkers"))
    assert "UsersWeb" in markers and "Users" in markers  # the pool and client ids, at deploy


@pytest.mark.parametrize(
    ("uri", "served"),
    [
        ("/", "/index.html"),
        ("/dashboard", "/index.html"),
        ("/creator/claim", "/index.html"),
        ("/app.js", "/app.js"),
        ("/button.svg", "/button.svg"),
    ],
)
def test_page_paths_are_answered_with_the_page_shell(uri, served):
    """The CloudFront Function's code, run by Node as CloudFront would run it."""
    script = f"{PAGE_REWRITE}\nconsole.log(handler({{request: {{uri: {json.dumps(uri)}}}}}).uri)"
    ran = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True)
    assert ran.stdout.strip() == served


def test_the_api_answers_on_api_dot_the_site_for_the_flattr_extension(tmp_path):
    """Its builds call ``api.<site domain>``: with a certificate for it, the API has that
    custom domain too (and none without one)."""
    from aws_cdk import assertions

    from infra.app import build

    certificate = "arn:aws:acm:eu-west-1:123456789012:certificate/abc"
    context = {**NO_BUNDLING, "site_domain": "flattr.example.org"}
    app = build(context={**context, "api_certificate_arn": certificate}, outdir=str(tmp_path))
    app.synth()
    template = assertions.Template.from_stack(app.node.find_child("Flattr-test"))
    domain = only(template, "AWS::ApiGatewayV2::DomainName")
    assert domain["DomainName"] == "api.flattr.example.org"
    assert domain["DomainNameConfigurations"][0]["CertificateArn"] == certificate
    assert len(resources(template, "AWS::ApiGatewayV2::ApiMapping")) == 1


def test_without_a_certificate_the_api_has_no_custom_domain(template):
    assert not resources(template, "AWS::ApiGatewayV2::DomainName")
