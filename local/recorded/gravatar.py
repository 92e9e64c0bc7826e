"""Gravatar's REST API v3 answers (``GET https://api.gravatar.com/v3/profiles/{sha256}``)
as its documentation describes them (docs.gravatar.com/rest-api), not captured live:
there is no internet here. Only ``display_name`` is read, and the avatar is asked of
``gravatar.com/avatar/{sha256}?s=80&d=404``; the rest is there so that the reader is
tested against the whole shape (which is full of the unkeyed hash we must not keep)."""

import hashlib

ADDRESS = "alice@example.org"
SHA256 = hashlib.sha256(ADDRESS.encode()).hexdigest()

PROFILE = {
    "hash": SHA256,
    "display_name": "Alice Writer",
    "profile_url": "https://gravatar.com/alicewriter",
    "avatar_url": f"https://0.gravatar.com/avatar/{SHA256}",
    "avatar_alt_text": "Alice in a garden",
    "location": "Lyon, France",
    "description": "I write about gardens.",
    "job_title": "",
    "company": "",
    "verified_accounts": [
        {
            "service_type": "mastodon",
            "service_label": "Mastodon",
            "service_icon": "https://s.gravatar.com/icons/mastodon.svg",
            "url": "https://example.social/@alice",
            "is_hidden": False,
        }
    ],
    "pronunciation": "",
    "pronouns": "she/her",
}

NOT_FOUND = {"error": "Profile not found", "code": "not_found"}

# The smallest PNG (one transparent pixel): Gravatar answers image/png or image/jpeg.
AVATAR_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4a10000000049454e44ae426082"
)
