import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from functions.common.money import Money, format_amount, money, parse_amount


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
    assert money(4_500_000) == {"amount": "4.500000", "currency": "EUR"}


def test_money_in_a_body_refuses_floats_and_other_currencies():
    assert Money.model_validate({"amount": "2.00"}).micros == 2_000_000
    for bad in ({"amount": 2.0}, {"amount": 2}, {"amount": "2", "currency": "USD"}, {}):
        with pytest.raises(ValidationError):
            Money.model_validate(bad)
