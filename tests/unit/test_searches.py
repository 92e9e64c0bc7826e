"""Search result pages are not flattrable and count for no visit (issue 29, finding 7:
sixty seconds on a Google search made a flattr that stored the search terms)."""

from __future__ import annotations

import pytest

from functions.core.ownership.urls import normalise
from functions.core.platforms.searches import ENGINES, is_search
from functions.core.urlparts import NotFlattrable

SEARCHES = [
    "https://google.com/search?q=my+rash",
    "https://www.google.com/search?q=x&hl=en",
    "https://www.google.co.uk/search?q=x",
    "https://google.de/search?client=firefox&q=x",
    "https://www.google.com/search?tbm=isch&q=x",
    "https://www.bing.com/search?q=x",
    "https://duckduckgo.com/?q=x&ia=web",
    "https://html.duckduckgo.com/html/",
    "https://search.yahoo.com/search?p=x",
    "https://www.baidu.com/s?wd=x",
    "https://yandex.ru/search/?text=x",
    "https://www.ecosia.org/search?method=index",
    "https://www.startpage.com/sp/search",
    "https://search.brave.com/search?q=x",
    "https://www.qwant.com/?l=en",
    "https://kagi.com/search?q=x",
    # Any site's own search, by its shape
    "https://example.com/search",
    "https://example.com/en/Search/results",
    "https://example.com/?s=cats",  # WordPress
    "https://example.com/shop?query=shoes",
    "https://example.com/forum?search=x&page=2",
    "https://example.com/find?Q=x",
    "https://github.com/search?q=flattr",
    "https://www.tumblr.com/search/cats",
]
NOT_SEARCHES = [
    "https://example.com/research/paper",  # a segment that only contains "search"
    "https://example.com/searching-for-meaning",
    "https://example.com/a?p=1",
    "https://example.com/?page_id=7",
    "https://google.com/",  # the engines' own pages that show no search
    "https://about.google/products",
    "https://www.google.com/maps/place/Berlin",
    "https://www.bing.com/",
    "https://x.com/nasa/status/1?s=20",  # a post shared with ?s=20: the post (s not kept)
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ&search=x",  # a video keeps only its v
    "https://searchengineland.com/some-article",
]


@pytest.mark.parametrize("url", SEARCHES)
def test_a_search_result_page_is_not_flattrable(url):
    with pytest.raises(NotFlattrable) as refused:
        normalise(url)
    assert refused.value.reason == "search_page"


@pytest.mark.parametrize("url", NOT_SEARCHES)
def test_other_pages_stay_flattrable(url):
    normalise(url)  # no refusal


def test_every_listed_engine_has_result_paths():
    for host, paths in ENGINES.items():
        assert paths and all(p.startswith("/") for p in paths), host
        assert is_search(host, host, paths[0] + ("x" if paths[0] == "/" else ""), [])
