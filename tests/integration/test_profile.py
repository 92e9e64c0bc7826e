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
