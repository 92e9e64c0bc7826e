"""Creators' public pages (issue 31, item 6; contract: api.md "Profiles and badges"): a
username that is one person's (case-insensitive, kept a year after release), the page with
what they proved and claimed, supporters this month, income when shown, a goal; badges."""

from __future__ import annotations

from datetime import timedelta

import pytest

from functions.common import clock
from tests.conftest import call
from tests.integration.claim_helpers import connect
from tests.integration.payout_helpers import EUR, JUNE, add_flattrs, add_user, claim

OCTO = "github:octocat"


@pytest.fixture
def june(aws):
    clock.move_to(JUNE)


def patch(user: str, **change):
    return call("PATCH", "/v1/me", change, user=user)


def test_a_username_is_one_persons_whatever_its_case(june):
    answer = patch("ada", username="Ada_Lovelace", display_name="Ada", description="Notes.")
    assert answer.status == 200, answer.raw
    me = call("GET", "/v1/me", user="ada").json
    assert (me["username"], me["display_name"], me["description"]) == (
        "ada_lovelace",
        "Ada",
        "Notes.",
    )
    taken = patch("bob", username="ADA_LOVELACE")
    assert taken.status == 409 and taken.json["errors"][0]["field"] == "body.username"
    assert patch("ada", username="ada_lovelace").status == 200  # one's own: nothing changes


@pytest.mark.parametrize("name", ["ab", "a" * 31, "ada lovelace", "ada.l", "ådа"])  # noqa: RUF001
def test_a_bad_username_is_a_clear_4xx(june, name):
    answer = patch("ada", username=name)
    assert answer.status in (400, 422), answer.raw
    assert answer.json["errors"][0]["field"] == "body.username"


def test_a_released_username_is_nobody_elses_for_a_year(june):
    assert patch("ada", username="ada").status == 200
    assert patch("ada", username="ada2").status == 200  # "ada" released
    assert call("GET", "/v1/profiles/ada", user=None).status == 404
    assert patch("bob", username="ada").status == 409
    clock.advance(int(timedelta(days=366).total_seconds()))
    assert patch("bob", username="ada").status == 200  # a year on: free again


def test_the_public_page_shows_what_was_proved_and_claimed_and_who_supports(june):
    add_user("creator")
    connect("creator", "github", "583231", "octocat")
    claim(OCTO, "creator")
    for giver in ("ada", "bob"):
        add_user(giver, paid_in=10 * EUR)
        add_flattrs(giver, OCTO, 2)
    assert (
        patch("creator", username="octo", display_name="The Octocat", goal={"amount": "50"}).status
        == 200
    )
    page = call("GET", "/v1/profiles/OCTO", user=None)
    assert page.status == 200, page.raw
    assert page.json == {
        "username": "octo",
        "display_name": "The Octocat",
        "description": "",
        "avatar_url": None,
        "recipients": [
            {
                "key": OCTO,
                "platform": "github",
                "display_name": "octocat",
                "claimed": True,
                "url": "https://github.com/octocat",
            }
        ],
        "supporters": 2,
        "receives": None,  # not shown unless the creator says so
        "goal": {"amount": "50.000000", "currency": "EUR"},
    }
    assert patch("creator", public_income=True).status == 200
    shown = call("GET", "/v1/profiles/octo", user=None).json
    assert shown["receives"] == [{"amount": "0.000000", "currency": "EUR"}]  # June: none yet


def test_an_unknown_or_deleted_username_is_404(june):
    assert call("GET", "/v1/profiles/nobody", user=None).status == 404
    assert call("GET", "/v1/profiles/" + "x" * 40, user=None).status in (400, 404, 422)


def test_badges_say_supporters_or_what_waits(june):
    add_user("creator")
    connect("creator", "github", "583231", "octocat")
    claim(OCTO, "creator")
    add_user("ada", paid_in=10 * EUR)
    add_flattrs("ada", OCTO, 1)
    assert patch("creator", username="octo").status == 200
    badge = call("GET", "/v1/profiles/octo/badge.svg", user=None)
    assert badge.status == 200 and badge.headers["content-type"] == "image/svg+xml"
    assert badge.headers["cache-control"] == "public, max-age=3600"  # a badge may lag an hour
    svg = badge.raw.decode()
    assert svg.startswith("<svg") and "1 supporter this month" in svg and "Flattr octo" in svg
    recipient = call("GET", f"/v1/recipients/{OCTO}/badge.svg", user=None).raw.decode()
    assert "1 supporter this month" in recipient


def test_a_deleted_accounts_page_is_gone_and_its_name_kept_from_others(june):
    from tests.integration.deletion_helpers import finish_deletions

    assert patch("ada", username="ada", display_name="Ada").status == 200
    assert call("GET", "/v1/profiles/ada", user=None).status == 200
    assert call("DELETE", "/v1/me", user="ada").status == 204
    finish_deletions()
    assert call("GET", "/v1/profiles/ada", user=None).status == 404
    assert patch("bob", username="ada").status == 409  # not someone else's page for a year


def _png(colour: tuple[int, int, int]) -> str:
    import base64
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (400, 300), colour).save(out, "PNG")
    return base64.b64encode(out.getvalue()).decode()


def test_a_creators_picture_is_served_from_our_copy_and_changes_its_url(june):
    assert patch("ada", username="ada").status == 200
    assert call("GET", "/v1/profiles/ada", user=None).json["avatar_url"] is None
    assert call("GET", "/v1/profiles/ada/avatar", user=None).status == 404

    put = call("PUT", "/v1/me/avatar", {"image": _png((200, 40, 40))}, user="ada")
    assert put.status == 200, put.raw
    url = put.json["avatar_url"]
    assert url.startswith("/v1/profiles/ada/avatar?v=")
    assert call("GET", "/v1/me", user="ada").json["avatar_url"] == url
    assert call("GET", "/v1/profiles/ada", user=None).json["avatar_url"] == url
    image = call("GET", "/v1/profiles/ada/avatar", user=None)
    assert image.status == 200 and image.headers["content-type"] == "image/webp"
    assert image.raw[:4] == b"RIFF" and image.raw[8:12] == b"WEBP"
    assert image.headers["x-content-type-options"] == "nosniff"

    other = call("PUT", "/v1/me/avatar", {"image": _png((40, 40, 200))}, user="ada").json
    assert other["avatar_url"] != url  # a new picture, a new URL: caches cannot show the old

    removed = call("DELETE", "/v1/me/avatar", user="ada")
    assert removed.status == 200 and removed.json["avatar_url"] is None
    assert call("GET", "/v1/profiles/ada", user=None).json["avatar_url"] is None
    assert call("GET", "/v1/profiles/ada/avatar", user=None).status == 404


@pytest.mark.parametrize("image", ["bm90IGEgcGljdHVyZQ==", "%%%not base64%%%"])
def test_what_is_not_a_picture_is_a_clear_4xx(june, image):
    answer = call("PUT", "/v1/me/avatar", {"image": image}, user="ada")
    assert answer.status == 422, answer.raw
    assert answer.json["errors"][0]["field"] == "body.image"


def test_a_deleted_accounts_picture_is_gone_and_was_in_its_export(june):
    from functions.core.models import Avatar
    from tests.integration.deletion_helpers import finish_deletions

    assert patch("ada", username="ada", display_name="Ada").status == 200
    assert call("PUT", "/v1/me/avatar", {"image": _png((1, 2, 3))}, user="ada").status == 200
    export = call("GET", "/v1/me/export", user="ada").json
    mine = export["user"]
    assert (mine["username"], mine["display_name"]) == ("ada", "Ada")
    assert mine["avatar"]["content_type"] == "image/webp" and mine["avatar"]["base64"]
    assert call("DELETE", "/v1/me", user="ada").status == 204
    finish_deletions()
    assert Avatar.count("ada") == 0


def test_a_refused_username_changes_nothing_else_asked_with_it(june):
    assert patch("bob", username="taken_name").status == 200
    refused = patch("ada", username="taken_name", display_name="Ada", time_zone="Europe/Berlin")
    assert refused.status == 409
    me = call("GET", "/v1/me", user="ada").json
    assert (me["display_name"], me["time_zone"]) == (None, "UTC")  # all or nothing
