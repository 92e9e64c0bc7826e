"""How a recipient appears in every API answer: its key, platform, display name and
whether a creator has claimed it. One model for the track, payout and claim routes."""

from __future__ import annotations

from pydantic import BaseModel


class RecipientRef(BaseModel):
    key: str
    platform: str
    display_name: str
    claimed: bool


# A flattr waiting for its owner's lookup (``pending:<lookup id>``), and one whose lookup
# found nobody to pay (``none:<reason>``): ``core/ownership/settle.py``.
WAITING = {"pending": "(its owner is being looked up)", "none": "nobody ({})"}


def recipient_ref(key: str, claimed: bool) -> RecipientRef:
    platform, _, name = key.partition(":")
    if platform in WAITING:
        name = WAITING[platform].format(name.replace("_", " "))
    return RecipientRef(key=key, platform=platform, display_name=name, claimed=claimed)
