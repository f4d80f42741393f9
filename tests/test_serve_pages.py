"""The researchers' pages in a real browser (Debian's chromium through Playwright) against the
session's ``prov serve``: search, open a capture, replay it from pywb's origin, see the diff
highlight the edited sentence and the claim's passage highlighted, submit a capture and watch
it finish. A screenshot of each page is saved (tests/browser.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser import Shots, browser_context
from tests.conftest_serve import Served
from tests.servers.serveweb import EDITED_SENTENCE, ORIGINAL_SENTENCE, QUOTED_PASSAGE

__all__ = ["browser_context"]


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Shots:
    return Shots(tmp_path_factory.mktemp("screenshots"))


@pytest.fixture
def page(browser_context: BrowserContext) -> Iterator[Page]:
    tab = browser_context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    yield tab
    tab.close()
    assert not errors, errors


def test_search_open_a_capture_and_replay_it(page: Page, served: Served, shots: Shots) -> None:
    story = served.web.url("/story.html")
    page.goto(served.server.url)
    shots.take(page, "home")
    page.fill("main input[name=q]", '"now expects the bridge"')
    page.click("main button[type=submit]")
    expect(page.locator("ol.results li")).to_have_count(1)
    expect(page.locator("ol.results mark").first).to_contain_text("now")
    shots.take(page, "search")
    page.click("ol.results a.result-title")
    expect(page.locator("h1")).to_have_text("Mill Street bridge repairs")
    assert page.url.startswith(f"{served.server.url}web/") and page.url.endswith(story)
    expect(page.locator(".extracted")).to_contain_text(EDITED_SENTENCE)
    snippet = page.locator("#robust-link").input_value()
    assert f'data-originalurl="{story}"' in snippet and "data-versionurl=" in snippet
    frame = page.frame_locator("#replay")
    expect(frame.locator("h1")).to_have_text("Mill Street bridge repairs", timeout=20000)
    replay_src = page.locator("#replay").get_attribute("src") or ""
    app, replay = urlsplit(served.server.url), urlsplit(replay_src)
    assert replay.netloc != app.netloc and replay_src.startswith(served.server.replay)
    shots.take(page, "capture")
    page.goto(f"{served.server.url}history?url={quote(story, safe='')}")
    events = page.locator("ol.timeline li")
    expect(events).to_have_count(3)
    expect(events.locator(".badge")).to_have_text(["first", "changed", "revisit"])
    shots.take(page, "history")


def test_the_diff_highlights_the_edited_sentence(page: Page, served: Served, shots: Shots) -> None:
    story = served.web.url("/story.html")
    page.goto(f"{served.server.url}history?url={quote(story, safe='')}")
    page.locator("ol.timeline li").nth(1).locator("a", has_text="diff with previous").click()
    expect(page.locator("table.diff ins")).to_have_text([EDITED_SENTENCE])
    expect(page.locator("table.diff del")).to_have_text([ORIGINAL_SENTENCE])
    unchanged = page.locator("table.diff tr.op-equal").first
    expect(unchanged).not_to_contain_text("reopen")
    shots.take(page, "diff")


def test_the_citation_view_highlights_the_claims_passage(
    page: Page, served: Served, shots: Shots
) -> None:
    article = served.web.url("/article.html")
    page.goto(f"{served.server.url}citations?article={quote(article, safe='')}")
    quoted = page.locator("blockquote", has_text=QUOTED_PASSAGE)
    linked = page.locator("li.claim.status-linked", has=quoted)
    expect(linked).to_have_count(1)
    expect(linked.locator("mark.matched")).to_have_text(QUOTED_PASSAGE)
    expect(linked.locator(".meta strong")).to_have_text("council")
    expect(page.locator("svg.citation-graph .node")).to_have_count(2)
    shots.take(page, "citations")


def test_submit_a_capture_and_watch_it_finish(page: Page, served: Served, shots: Shots) -> None:
    page.goto(f"{served.server.url}capture")
    page.fill("input[name=url]", served.web.url("/job.html"))
    page.fill("input[name=token]", served.db_token)
    page.click("#capture-form button[type=submit]")
    expect(page.locator("#job-status")).to_have_text("done", timeout=90000)
    link = page.locator("#job-captures a", has_text="job.html")
    expect(link).to_have_text(re.compile(r"^\d{14} .*job\.html \(200\)$"))
    shots.take(page, "capture-form")
    page.goto(f"{served.server.url}watches")
    expect(page.locator("table.watches tbody tr")).to_have_count(1)
    expect(page.locator("ol.changes li .badge").first).to_have_text("first")
    shots.take(page, "watches")


def test_the_api_docs_load_nothing_from_outside(page: Page, served: Served, shots: Shots) -> None:
    hosts: list[str] = []
    page.on("request", lambda request: hosts.append(urlsplit(request.url).hostname or ""))
    page.goto(f"{served.server.url}docs")
    expect(page.locator(".opblock-summary-path", has_text="/api/archive")).to_be_visible()
    shots.take(page, "api-docs")
    assert set(hosts) == {urlsplit(served.server.url).hostname}, hosts
