"""Who the browser journeys are. A new person's currency follows their browser's
languages (``Accept-Language``, issue 35): the journeys are a reader in the euro area whose
browser shows English (``en-IE`` asked, the page formatted as Chromium's default locale
does), so they give in euros as the journeys' figures say. The journey about the default
currency itself asks as a reader in the United States."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, BrowserContext

EURO_AREA = {"Accept-Language": "en-IE,en;q=0.8"}
UNITED_STATES = {"Accept-Language": "en-US,en;q=0.9"}


class EuroAreaBrowser:
    """A ``Browser`` whose new contexts ask as a reader in the euro area (unless told
    otherwise); everything else is the browser's own."""

    def __init__(self, browser: Browser) -> None:
        self._browser = browser

    def new_context(self, **options: Any) -> BrowserContext:
        options.setdefault("extra_http_headers", EURO_AREA)
        return self._browser.new_context(**options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._browser, name)
