from tests.conftest import call


def test_profile_is_created_with_defaults(aws):
    me = call("GET", "/v1/me", email="ada@example.org").json
    assert me["time_zone"] == "UTC"
    assert me["email"] == "ada@example.org"
    assert me["monthly_budget"] == {"amount": "5.000000", "currency": "EUR"}


def test_patch_changes_budget_and_zone(aws):
    answer = call(
        "PATCH", "/v1/me", body={"time_zone": "Asia/Tokyo", "monthly_budget": {"amount": "2"}}
    )
    assert answer.status == 200
    assert answer.json["monthly_budget"]["amount"] == "2.000000"
    assert call("GET", "/v1/me").json["time_zone"] == "Asia/Tokyo"


def test_users_are_separate(aws):
    call("PATCH", "/v1/me", body={"time_zone": "Asia/Tokyo"}, user="a")
    assert call("GET", "/v1/me", user="b").json["time_zone"] == "UTC"


def test_two_first_requests_at_once_both_get_the_new_profile(aws, monkeypatch):
    """A page asks /v1/me and /v1/me/balance at once for a new user: each may find no
    profile and create one; the second creation loses the race and reads the first's."""
    from pynamodb.exceptions import DoesNotExist

    from functions.core.models import User

    call("GET", "/v1/me", user="racer")  # the other request created it just now
    real_get = User.get
    misses = iter([True])

    def not_yet(*args, **kwargs):
        if next(misses, False):
            raise DoesNotExist()  # this request looked before the other one wrote
        return real_get(*args, **kwargs)

    monkeypatch.setattr(User, "get", not_yet)
    answer = call("GET", "/v1/me/balance", user="racer")
    assert answer.status == 200, answer.raw
