"""Response shapes of Mastodon, Bluesky, Tumblr, SoundCloud and Flickr, written from each
platform's API documentation (not captured live: there is no internet here). Only the
fields the adapters read, plus a few neighbours so a shape looks like the real one."""

from __future__ import annotations

# ------------------------------------------------------------------ Mastodon

MASTODON_APP = {
    "id": "563419",
    "name": "Flattr",
    "website": "https://api.flattr.example",
    "scopes": ["read:accounts", "read:favourites"],
    "redirect_uris": ["https://api.flattr.example/v1/connections/mastodon/callback"],
    "client_id": "TWhM-tNSuncnqN7DBJmoyeLnk6K3iJJ71KKXxgL1hPM",
    "client_secret": "ZEaFUFmF0umgBX1qKJDjaU99Q31lDkOU8NutzTOoliw",
}

MASTODON_ACCOUNT = {
    "id": "14715",
    "username": "Trwnh",
    "acct": "trwnh",
    "display_name": "infinite love ⴳ",
    "url": "https://mastodon.social/@trwnh",
    "uri": "https://mastodon.social/users/trwnh",
}


def mastodon_status(status_id: str, username: str, server: str) -> dict:
    return {
        "id": status_id,
        "created_at": "2026-11-20T10:00:00.000Z",
        "uri": f"https://{server}/users/{username}/statuses/{status_id}",
        "url": f"https://{server}/@{username}/{status_id}",
        "visibility": "public",
        "favourited": True,
        "account": {
            "id": f"9{status_id}",
            "username": username,
            "acct": username if server == "mastodon.social" else f"{username}@{server}",
            "url": f"https://{server}/@{username}",
        },
    }


def mastodon_links(server: str, max_id: str, min_id: str) -> str:
    return (
        f'<https://{server}/api/v1/favourites?limit=40&max_id={max_id}>; rel="next", '
        f'<https://{server}/api/v1/favourites?limit=40&min_id={min_id}>; rel="prev"'
    )


# ------------------------------------------------------------------ Bluesky

ALICE_DID = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"
BOB_DID = "did:plc:z72i7hdynmk6r22z27h6tvur"
PDS = "https://morel.us-east.host.bsky.network"

DID_DOCUMENT = {
    "@context": ["https://www.w3.org/ns/did/v1"],
    "id": ALICE_DID,
    "alsoKnownAs": ["at://Alice.bsky.social"],
    "verificationMethod": [],
    "service": [
        {"id": "#atproto_pds", "type": "AtprotoPersonalDataServer", "serviceEndpoint": PDS}
    ],
}

PROTECTED_RESOURCE = {
    "resource": PDS,
    "authorization_servers": ["https://bsky.social"],
    "scopes_supported": [],
    "bearer_methods_supported": ["header"],
}


def bluesky_like(rkey: str, subject_did: str, post: str, created_at: str) -> dict:
    return {
        "uri": f"at://{ALICE_DID}/app.bsky.feed.like/{rkey}",
        "cid": "bafyreigh7yods3ndrqd4yb6glsaomsh6ygthizdt2u2aqtifmo4bkefvba",
        "value": {
            "$type": "app.bsky.feed.like",
            "subject": {
                "uri": f"at://{subject_did}/app.bsky.feed.post/{post}",
                "cid": "bafyreib2rxk3rybk3aobmv5cjuql3bm2twh4jo5uxgf5xe6r2pxy4zt7ka",
            },
            "createdAt": created_at,
        },
    }


# ------------------------------------------------------------------ Tumblr

TUMBLR_USER_INFO = {
    "meta": {"status": 200, "msg": "OK"},
    "response": {
        "user": {
            "name": "derekg",
            "likes": 25,
            "following": 263,
            "blogs": [
                {"name": "side-project", "uuid": "t:side", "primary": False},
                {"name": "Derekg", "uuid": "t:dg8Zl9C2rr2TkKzpEYyAHw", "primary": True},
            ],
        }
    },
}


def tumblr_post(post_id: str, blog: str, liked: int, subdomain: bool = True) -> dict:
    url = (
        f"https://{blog}.tumblr.com/post/{post_id}/a-title"
        if subdomain
        else f"https://www.tumblr.com/{blog}/{post_id}"
    )
    return {
        "type": "text",
        "blog_name": blog,
        "blog": {"name": blog, "uuid": f"t:{blog}-uuid"},
        "id": int(post_id),
        "id_string": post_id,
        "post_url": url,
        "liked_timestamp": liked,
    }


def tumblr_likes(*posts: dict) -> dict:
    return {
        "meta": {"status": 200, "msg": "OK"},
        "response": {"liked_posts": list(posts), "liked_count": len(posts)},
    }


# ------------------------------------------------------------------ SoundCloud

SOUNDCLOUD_ME = {
    "id": 3207,
    "urn": "soundcloud:users:3207",
    "kind": "user",
    "permalink": "JWagener",
    "username": "Johannes Wagener",
    "permalink_url": "https://soundcloud.com/jwagener",
}


def soundcloud_track(track_id: int, user: str) -> dict:
    return {
        "kind": "track",
        "id": track_id,
        "urn": f"soundcloud:tracks:{track_id}",
        "title": f"track {track_id}",
        "permalink_url": f"https://soundcloud.com/{user}/track-{track_id}",
        "user": {"urn": f"soundcloud:users:{track_id * 7}", "permalink": user},
    }


# ------------------------------------------------------------------ Flickr

FLICKR_ACCESS_TOKEN = (
    "fullname=Jamal%20Fanaian&oauth_token=72157626318069415-087bfc7b5816092c"
    "&oauth_token_secret=a202d1f853ec69de&user_nsid=21207597%40N07&username=jamalfanaian"
)
FLICKR_REQUEST_TOKEN = (
    "oauth_callback_confirmed=true&oauth_token=72157626737672178-022bbd2f4c2f3432"
    "&oauth_token_secret=fccb68c4e6103197"
)


def flickr_favourites(photos: list[tuple[str, str, int]], page: int = 1, pages: int = 1) -> dict:
    return {
        "photos": {
            "page": page,
            "pages": pages,
            "perpage": 500,
            "total": len(photos),
            "photo": [
                {
                    "id": photo_id,
                    "owner": owner,
                    "secret": "1e92283336",
                    "server": "65535",
                    "title": "a photo",
                    "ispublic": 1,
                    "date_faved": str(faved),
                }
                for photo_id, owner, faved in photos
            ],
        },
        "stat": "ok",
    }


FLICKR_BAD_TOKEN = {"stat": "fail", "code": 98, "message": "Invalid auth token"}
