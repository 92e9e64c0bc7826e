"""The service's currencies: configuration, the one place that names them.

Every amount is integer micro-units of its currency (``money.MICRO``). A contributor holds
one currency; a creator's earnings and a recipient's escrow are kept per currency and
never converted (``../shared/spec/rules.md``, Currencies). Minimums are the rules' base
amounts times the currency's ``scale`` (the Swedish krona's are ten times the others').
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Currency:
    code: str  # ISO 4217
    scale: int = 1  # the rules' minimums are their base amounts times this


CURRENCIES: dict[str, Currency] = {
    c.code: c
    for c in (
        Currency("EUR"),
        Currency("USD"),
        Currency("GBP"),
        Currency("SEK", scale=10),
        Currency("CHF"),
    )
}

# The books were kept in this currency alone before there were others: its accounts keep
# their names (``core/ledger.account``), and an item written before currencies existed
# (a user, a statement, an escrow row without ``currency``) is in it.
BOOKS_CURRENCY = "EUR"

CODES = tuple(CURRENCIES)  # in the order above: for lists and choices


def known(code: str) -> bool:
    return code in CURRENCIES


def scaled(base_micros: int, currency: str) -> int:
    """A rule's base amount (a minimum of 2, 10, 1 ...) in ``currency``."""
    return base_micros * CURRENCIES[currency].scale


def of(stored: str | None) -> str:
    """The currency of a stored item: its own, or the books' for one written before."""
    return stored or BOOKS_CURRENCY


def suffixed(name: str, currency: str, separator: str = "#") -> str:
    """``name`` of one currency: as it always was in the books' first currency (items and
    ids from before there were others stay theirs), with the code after it in another."""
    return name if currency == BOOKS_CURRENCY else f"{name}{separator}{currency}"


# Where people pay in what (ISO 3166 regions): a new contributor's currency is their
# browser's first region named here; none named, the books' first.
REGIONS: dict[str, str] = {
    "US": "USD",
    "GB": "GBP",
    "SE": "SEK",
    "CH": "CHF",
    "LI": "CHF",
    **dict.fromkeys(
        [
            "AT",
            "BE",
            "CY",
            "DE",
            "EE",
            "ES",
            "FI",
            "FR",
            "GR",
            "HR",
            "IE",
            "IT",
            "LT",
            "LU",
            "LV",
            "MT",
            "NL",
            "PT",
            "SI",
            "SK",
        ],
        "EUR",
    ),  # the euro area
}


def for_languages(accept_language: str | None) -> str:
    """The currency for a browser's ``Accept-Language`` (``"sv-SE,en;q=0.8"`` -> SEK): its
    tags in order of preference, the first whose region is named in ``REGIONS``."""
    tags: list[tuple[float, int, str]] = []
    for index, piece in enumerate((accept_language or "").split(",")[:20]):
        tag, _, params = piece.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                continue
        tags.append((-weight, index, tag.strip()))
    for _, _, tag in sorted(tags):
        for subtag in tag.split("-")[1:]:
            if subtag.upper() in REGIONS and len(subtag) == 2:
                return REGIONS[subtag.upper()]
    return BOOKS_CURRENCY
