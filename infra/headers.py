"""The website's security headers, one definition for CloudFront (the CDK app's response
headers policy) and for the local stack (``local/site.py``). No CDK import here."""

from __future__ import annotations

# API paths: never site files. CloudFront routes the deployed ones to the API.
API_PATHS = ("/v1/", "/claim/", "/rest/", "/oauth/bluesky/", "/oauth/token", "/oauth/revoke")


def content_security_policy(*connect: str) -> str:
    """No inline script or style anywhere; ``connect`` adds the origins the site's
    scripts may call besides its own (Cognito's sign-in endpoints in AWS)."""
    sources = " ".join(("'self'", *connect))
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src {sources}; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )


REFERRER_POLICY = "strict-origin-when-cross-origin"
HSTS_SECONDS = 63_072_000  # two years, with subdomains and preload
