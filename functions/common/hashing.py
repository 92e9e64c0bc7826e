"""Keyed hashes of URLs, sites, event ids and addresses: what is stored instead of the thing
itself; and signatures of what we hand out and must recognise again (list cursors)."""

from __future__ import annotations

import base64
import hashlib
import hmac

from aws_lambda_powertools.utilities import parameters

from functions.common.settings import settings

SECRET_CACHE_SECONDS = 300


def _key() -> bytes:
    secret = parameters.get_secret(settings().url_hash_secret_id, max_age=SECRET_CACHE_SECONDS)
    return str(secret).encode()


def keyed_hash(text: str) -> str:
    """HMAC-SHA-256 of ``text`` under the secret key, 128 bits, URL-safe."""
    digest = hmac.new(_key(), text.encode(), hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def short_hash(text: str) -> str:
    """An unkeyed 64-bit digest for ids that must be deterministic (not secret)."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def sign(text: str, purpose: str) -> str:
    """A 128-bit HMAC of ``text`` for ``purpose`` (a key derived per purpose), URL-safe."""
    key = hmac.new(_key(), f"purpose:{purpose}".encode(), hashlib.sha256).digest()
    digest = hmac.new(key, text.encode(), hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def pkce_challenge(verifier: str) -> str:
    """The S256 code challenge of a PKCE code verifier (RFC 7636 §4.2)."""
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
