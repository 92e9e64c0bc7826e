"""How a recipient appears in every API answer: its key, platform, display name and
whether a creator has claimed it. One model for the track, payout and claim routes."""

from __future__ import annotations

from pydantic import BaseModel


class RecipientRef(BaseModel):
    key: str
    platform: str
    display_name: str
    claimed: bool


def recipient_ref(key: str, claimed: bool) -> RecipientRef:
    platform, _, name = key.partition(":")
    return RecipientRef(key=key, platform=platform, display_name=name, claimed=claimed)
