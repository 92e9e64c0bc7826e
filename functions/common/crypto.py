"""Platform tokens encrypted at rest with KMS envelope encryption.

Each token gets its own data key from KMS (``GenerateDataKey``); the token is sealed
with AES-256-GCM under that key and stored with the KMS-encrypted key. Only a
caller allowed to ``kms:Decrypt`` with our key can open it again.
"""

from __future__ import annotations

import base64
import json
import os
from functools import cache
from typing import Any

import boto3
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from functions.common.settings import settings

CONTEXT = {"purpose": "platform-token"}


@cache
def _kms() -> Any:
    return boto3.client("kms")


def _key_id() -> str:
    return settings().token_key_id


def seal(token: dict[str, Any], connection: str) -> str:
    """Encrypt ``token`` (an OAuth token dict) for the connection ``connection``."""
    context = {**CONTEXT, "connection": connection}
    data_key = _kms().generate_data_key(
        KeyId=_key_id(), KeySpec="AES_256", EncryptionContext=context
    )
    nonce = os.urandom(12)
    sealed = AESGCM(data_key["Plaintext"]).encrypt(
        nonce, json.dumps(token).encode(), connection.encode()
    )
    envelope = {
        "key": base64.b64encode(data_key["CiphertextBlob"]).decode(),
        "nonce": base64.b64encode(nonce).decode(),
        "data": base64.b64encode(sealed).decode(),
    }
    return json.dumps(envelope)


def open_sealed(sealed: str, connection: str) -> dict[str, Any]:
    envelope = json.loads(sealed)
    context = {**CONTEXT, "connection": connection}
    data_key = _kms().decrypt(
        CiphertextBlob=base64.b64decode(envelope["key"]), EncryptionContext=context
    )["Plaintext"]
    plain = AESGCM(data_key).decrypt(
        base64.b64decode(envelope["nonce"]), base64.b64decode(envelope["data"]), connection.encode()
    )
    token: dict[str, Any] = json.loads(plain)
    return token
