import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from functions.common.errors import Invalid
from functions.common.money import Money, amount_in, format_amount, money, parse_amount


@pytest.mark.parametrize(
    ("text", "micros"),
    [("0", 0), ("2", 2_000_000), ("2.5", 2_500_000), ("1.234567", 1_234_567), ("0.000001", 1)],
)
def test_parse_amount(text, micros):
    assert parse_amount(text) == micros


@pytest.mark.parametrize("text", ["", "-1", "1.2345678", "1e3", "01", "1,5", " 1", "NaN", "1."])
def test_parse_amount_refuses(text):
    with pytest.raises(ValueError):
        parse_amount(text)


@given(st.integers(min_value=0, max_value=10**18))
def test_format_then_parse_is_identity(micros):
    assert parse_amount(format_amount(micros)) == micros


def test_negative_amounts_keep_their_sign():
    assert format_amount(-1_500_000) == "-1.500000"
    assert money(4_500_000, "SEK") == {"amount": "4.500000", "currency": "SEK"}


def test_money_in_a_body_refuses_floats_and_currencies_we_do_not_hold():
    assert Money.model_validate({"amount": "2.00"}).micros == 2_000_000
    assert amount_in(Money.model_validate({"amount": "2"}), "SEK", "body.amount") == 2_000_000
    assert Money.model_validate({"amount": "2", "currency": "USD"}).currency == "USD"
    for bad in ({"amount": 2.0}, {"amount": 2}, {"amount": "2", "currency": "XXX"}, {}):
        with pytest.raises(ValidationError):
            Money.model_validate(bad)


def test_an_amount_in_another_currency_than_its_own_is_refused_on_its_field():
    usd = Money.model_validate({"amount": "3", "currency": "USD"})
    assert amount_in(usd, "USD", "body.amount") == 3_000_000
    with pytest.raises(Invalid) as refused:
        amount_in(usd, "SEK", "body.amount")
    assert refused.value.field == "body.amount.currency" and "SEK" in refused.value.message
