"""Funding files as projects write them, in the formats their documentation describes (not
captured live: there is no internet here): GitHub's ``FUNDING.yml`` ("Displaying a sponsor
button in your repository": one key per platform, a login or a list of them, ``custom`` for
up to four links) and FLOSS/fund's ``funding.json`` (schema v1.0.0: an entity, its projects,
its funding channels and plans). Served by the tests and by ``local/demo.py``."""

# Several platforms, the first we know (github) a list: its first login is the one paid.
FUNDING_YML_SEVERAL = """\
# These are supported funding model platforms

github: [ferris-maintainer, second-maintainer]
patreon: ferrisworks
open_collective: ferris-project
ko_fi: # no account
tidelift: cargo/ferris-lib
custom: ["https://www.paypal.me/ferrisworks", ferrisworks.example]
"""

# Only platforms this service does not know, and a custom link to a page of ours
# (``{site}``: the service's address).
FUNDING_YML_OUR_PAGE = """\
liberapay: ferrisworks
buy_me_a_coffee: ferrisworks
custom:
  - https://ferrisworks.example/donate
  - {site}/u/ferris
"""

FUNDING_JSON = """\
{
  "version": "v1.0.0",
  "entity": {
    "type": "individual",
    "role": "maintainer",
    "name": "Ada Crab",
    "email": "ada@crab.example",
    "description": "I maintain a small parser library.",
    "webpageUrl": {"url": "https://crab.example"}
  },
  "projects": [
    {
      "guid": "tiny-parser",
      "name": "Tiny parser",
      "description": "A parser for small files.",
      "webpageUrl": {"url": "https://crab.example/tiny-parser"},
      "repositoryUrl": {"url": "https://github.com/crab-org/tiny-parser"},
      "licenses": ["spdx:MIT"],
      "tags": ["parser"]
    }
  ],
  "funding": {
    "channels": [
      {"guid": "bank", "type": "bank", "address": "", "description": "Wire transfer."},
      {"guid": "paypal", "type": "payment-provider", "address": "https://paypal.example/ada"},
      {
        "guid": "sponsors",
        "type": "payment-provider",
        "address": "https://github.com/sponsors/ada-crab",
        "description": "GitHub Sponsors."
      }
    ],
    "plans": [
      {
        "guid": "monthly",
        "status": "active",
        "name": "Monthly support",
        "amount": 10,
        "currency": "EUR",
        "frequency": "monthly",
        "channels": ["paypal", "sponsors"]
      }
    ]
  }
}
"""
