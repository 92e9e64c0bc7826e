"""A local stand-in for Bluesky: one server, ``bsky.example`` (a name a person types on
the creator page; ``KNOWN_SERVER_URLS`` points it here), playing the entryway's OAuth 2.1
authorization server (pushed authorization requests, PKCE, DPoP-proofed requests), the PLC
directory (DID documents) and the account's PDS (its public like records), in the shapes of
``local/recorded/fediverse.py``. oauthlib's provider has neither PAR nor DPoP, so those are
checked here by hand: a DPoP proof is a JWT signed by the key in its own header, for this
method and URL, recent and used once; the code verifier must match the pushed challenge."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import jwt

from functions.common import clock
from functions.core.platforms.bluesky import LIKE, tid
from local.fake_oauth2 import Answer, FakeUser, PlatformFake, json_answer, payload_of
from local.recorded import fediverse

DID_LETTERS = "abcdefghij"  # a did:plc is 24 of a-z and 2-7: the user's id spelt in these


def did_of(user: FakeUser) -> str:
    return "did:plc:" + "".join(DID_LETTERS[int(d)] for d in f"{user.id:024d}")


class FakeBluesky(PlatformFake):
    name, display = "bluesky", "Bluesky"
    server = "bsky.example"
    default_login = "demo"

    def __init__(self, base_url: str, client_id: str, client_secret: str, redirect_prefix: str):
        super().__init__(base_url, client_id, client_secret, redirect_prefix)
        self.pushed: dict[str, dict[str, str]] = {}  # request_uri -> the pushed request
        self.codes: dict[str, dict[str, str]] = {}  # code -> the request and its account
        self.proofs: set[str] = set()  # DPoP proofs' jti, each used once

    @classmethod
    def servers_at(cls, url: str) -> dict[str, str]:
        return {cls.server: cls.base_at(url)}

    @classmethod
    def environment_at(cls, url: str) -> dict[str, str]:
        return {"BLUESKY_API_URL": f"{cls.base_at(url)}/plc"}  # the PLC directory

    def handle(
        self, method: str, path: str, query: str, headers: dict[str, str], body: bytes
    ) -> Answer:
        route = path.removeprefix(self.prefix)
        params = dict(parse_qsl(query))
        with self.state.lock:
            if route == "/oauth/par" and method == "POST":
                return self._par(headers, dict(parse_qsl(body.decode())))
            if route == "/oauth/authorize" and method == "GET":
                if params.get("request_uri") not in self.pushed:
                    return json_answer(400, {"error": "invalid_request_uri"})
                return self.consent_form(f"{self.base_url}{route}?{query}")
            if route == "/oauth/authorize" and method == "POST":
                return self._approve(params, body)
            if route == "/oauth/token" and method == "POST":
                return self._token(headers, dict(parse_qsl(body.decode())))
            if route == "/oauth/revoke" and method == "POST":
                return 200, {}, b""
            if route.startswith("/plc/did:plc:") and method == "GET":
                return self._did_document(route.removeprefix("/plc/"))
            if route == "/.well-known/oauth-protected-resource":
                resource = {**fediverse.PROTECTED_RESOURCE, "resource": f"https://{self.server}"}
                return json_answer(200, {**resource, "authorization_servers": [self.base_url]})
            if route == "/xrpc/com.atproto.repo.listRecords" and method == "GET":
                return self._records(params)
            if route.startswith("/_control/") and method == "POST":
                return self.control(route.removeprefix("/_control/"), payload_of(body))
        return json_answer(404, {"error": "NotFound"})

    # ------------------------------------------------------------------ OAuth

    def _proof_refused(self, headers: dict[str, str], method: str, route: str) -> str | None:
        """Why the request's DPoP proof is refused, or None when it holds."""
        proof = headers.get("dpop", "")
        try:
            header = jwt.get_unverified_header(proof)
            key = jwt.PyJWK(header["jwk"])
            claims = jwt.decode(proof, key.key, algorithms=[header["alg"]])
        except (jwt.PyJWTError, KeyError, ValueError, TypeError):
            return "no valid DPoP proof"
        if header.get("typ") != "dpop+jwt" or "d" in header["jwk"]:
            return "not a DPoP proof (or its private key shown)"
        if claims.get("htm") != method or claims.get("htu") != f"{self.base_url}{route}":
            return "the proof is for another request"
        if abs(time.time() - float(claims.get("iat", 0))) > 300 or claims.get("jti") in self.proofs:
            return "the proof is old or used"
        self.proofs.add(str(claims["jti"]))
        return None

    def _par(self, headers: dict[str, str], form: dict[str, str]) -> Answer:
        refused = self._proof_refused(headers, "POST", "/oauth/par")
        if refused:
            return json_answer(400, {"error": "invalid_dpop_proof", "error_description": refused})
        wanted = ("client_id", "redirect_uri", "state", "code_challenge", "response_type")
        if any(not form.get(name) for name in wanted) or form["response_type"] != "code":
            return json_answer(400, {"error": "invalid_request"})
        if form.get("code_challenge_method") != "S256":
            return json_answer(400, {"error": "invalid_request", "error_description": "S256"})
        request_uri = f"urn:ietf:params:oauth:request_uri:{secrets.token_urlsafe(16)}"
        self.pushed[request_uri] = form
        return json_answer(201, {"request_uri": request_uri, "expires_in": 299})

    def _approve(self, params: dict[str, str], body: bytes) -> Answer:
        login = dict(parse_qsl(body.decode())).get("login", "").strip()
        pushed = self.pushed.pop(params.get("request_uri", ""), None)
        if not login or pushed is None:
            return json_answer(400, {"error": "login and a pushed request required"})
        code = secrets.token_urlsafe(24)
        self.codes[code] = {**pushed, "login": self.state.user(login).login}
        back = {"code": code, "state": pushed["state"], "iss": self.base_url}
        return 302, {"Location": f"{pushed['redirect_uri']}?{urlencode(back)}"}, b""

    def _token(self, headers: dict[str, str], form: dict[str, str]) -> Answer:
        refused = self._proof_refused(headers, "POST", "/oauth/token")
        if refused:
            return json_answer(400, {"error": "invalid_dpop_proof", "error_description": refused})
        grant = self.codes.pop(form.get("code", ""), None)
        if grant is None or form.get("redirect_uri") != grant["redirect_uri"]:
            return json_answer(400, {"error": "invalid_grant"})
        digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
        if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != grant["code_challenge"]:
            return json_answer(400, {"error": "invalid_grant", "error_description": "PKCE"})
        user = self.state.user(grant["login"])
        token = {"access_token": secrets.token_urlsafe(32), "token_type": "DPoP"}
        return json_answer(
            200, {**token, "expires_in": 3600, "scope": "atproto", "sub": did_of(user)}
        )

    # ------------------------------------------------------------------ identity and likes

    def _account(self, did: str) -> FakeUser | None:
        return next((u for u in self.state.users.values() if did_of(u) == did), None)

    def _did_document(self, did: str) -> Answer:
        user = self._account(did)
        if user is None:
            return json_answer(404, {"message": "DID not registered"})
        document = json.loads(json.dumps(fediverse.DID_DOCUMENT))
        document["id"] = did
        document["alsoKnownAs"] = [f"at://{user.login.lower()}.{self.server}"]
        document["service"][0]["serviceEndpoint"] = f"https://{self.server}"  # its PDS
        return json_answer(200, document)

    def _records(self, params: dict[str, str]) -> Answer:
        user = self._account(params.get("repo", ""))
        if user is None or params.get("collection") != LIKE:
            return json_answer(400, {"error": "InvalidRequest"})
        limit = int(params.get("limit", 50))
        records = user.likes  # newest first, keyed by TIDs that sort by time
        if params.get("cursor"):
            records = [r for r in records if r["uri"].rsplit("/", 1)[-1] < params["cursor"]]
        page = records[:limit]
        more = len(records) > limit
        cursor = page[-1]["uri"].rsplit("/", 1)[-1] if more else None
        owner = did_of(user)
        shown = [{**r, "uri": r["uri"].replace(fediverse.ALICE_DID, owner)} for r in page]
        return json_answer(200, {"records": shown, "cursor": cursor})

    def liked(self, number: int, item: dict[str, Any]) -> dict[str, Any]:
        """A like of ``https://bsky.app/profile/<handle or DID>/post/<id>``: the post's
        author is an account on this fake (made for a handle)."""
        _, _, who, _, post = (urlsplit(str(item["url"])).path.split("/") + [""] * 5)[:5]
        if who.startswith("did:"):
            author = who
        else:
            author = did_of(self.state.user(who.removesuffix(f".{self.server}")))
        created = clock.now().strftime("%Y-%m-%dT%H:%M:%S.000Z")
        return fediverse.bluesky_like(
            tid(clock.now(), number % 1024), author, post or "post", created
        )
