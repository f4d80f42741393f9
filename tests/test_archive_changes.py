"""Change detection over a fixture web whose pages change between runs, with webhooks.

Three runs of ``prov schedule run --all`` (real subprocesses, each crawling in a child
``prov archive``) over watches of: a page edited in one sentence, two unchanged pages (one
answering 304, one repeating its payload), a page removed (404) and later restored, one
redirected to the site's home page, one whose only change is a rotating "most viewed" box, a
soft 404 and one whose server stops answering.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import prov_env, run_prov
from tests.servers import RawHTTPServer, Request, ResponseWriter, build_response

HTML = [("Content-Type", "text/html; charset=utf-8")]
SIDEBARS = [
    ["Storm hits coast as thousands lose power", "Football club sacks manager after defeat"],
    ["Celebrity wedding draws crowds to the city", "Train fares to rise again, operators say"],
    ["Museum reopens after two years of repairs", "Heatwave warning issued for the weekend"],
]


def page(title: str, paragraphs: list[str], sidebar: list[str] | None = None) -> bytes:
    items = "".join(f'<li><a href="/story/{i}">{s}</a></li>' for i, s in enumerate(sidebar or []))
    box = f"<aside class='most-viewed'><h2>Most viewed</h2><ol>{items}</ol></aside>"
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{title} | Example News</title></head><body>"
        "<header><nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/sport'>Sport</a>"
        f"</nav></header><main><article><h1>{title}</h1>"
        + "".join(f"<p>{p}</p>" for p in paragraphs)
        + "</article>"
        + (box if items else "")
        + "</main><footer>Copyright 2025 Example News</footer></body></html>"
    ).encode()


def article(topic: str) -> list[str]:
    return [
        f"The council approved the new {topic} budget on Tuesday after a long debate. "
        "The vote was eleven to four, with two members absent.",
        f"Opposition members said the {topic} plan cut too deeply into library services. "
        "The mayor rejected the criticism at a press conference.",
        "The budget takes effect in April and will be reviewed in the autumn by an "
        "independent panel of auditors appointed by the regional government.",
    ]


EDITED = article("transport")
EDITED_AFTER = [EDITED[0].replace("eleven to four", "ten to five"), "\n  " + EDITED[1], EDITED[2]]
HOME = page("Welcome to Example News", ["Today's top stories from around the region."])
NOT_FOUND = page(
    "Sorry, we couldn't find that page",
    ["The page you requested may have been moved or deleted."],
)


class FixtureWeb:
    def __init__(self, server: RawHTTPServer) -> None:
        self.server = server
        self.phase = 0
        self.sidebar_calls = 0
        self.hooks: list[dict[str, Any]] = []
        self.hook_failures = 1  # the first webhook POST gets a 500

    def install(self) -> None:
        s = self.server
        s.route("/robots.txt", build_response(404, [("Content-Type", "text/plain")], b""))
        s.route("/", build_response(200, HTML, HOME))
        s.route("/edited", self.edited)
        s.route("/same", build_response(200, HTML, page("Same", article("water"))))
        s.route("/etag", self.etag)
        s.route("/removed", self.removed)
        s.route("/moved", self.moved)
        s.route("/sidebar", self.sidebar)
        s.route("/soft", self.soft)
        s.route("/vanish", self.vanish)
        s.route("/hook", self.hook)

    def edited(self, _r: Request, w: ResponseWriter) -> None:
        body = page("Transport", EDITED if self.phase == 0 else EDITED_AFTER)
        w.send(build_response(200, HTML, body))

    def etag(self, r: Request, w: ResponseWriter) -> None:
        if r.header("If-None-Match") == '"e1"':
            w.send(build_response(304, [("ETag", '"e1"')], content_length=False))
        else:
            w.send(build_response(200, [*HTML, ("ETag", '"e1"')], page("Tagged", article("rail"))))

    def removed(self, _r: Request, w: ResponseWriter) -> None:
        if self.phase == 1:
            w.send(build_response(404, HTML, page("Not Found", ["No such page."])))
        else:
            w.send(build_response(200, HTML, page("Schools", article("schools"))))

    def moved(self, _r: Request, w: ResponseWriter) -> None:
        if self.phase == 0:
            w.send(build_response(200, HTML, page("Parks", article("parks"))))
        else:
            w.send(build_response(301, [("Location", self.server.url("/"))]))

    def sidebar(self, _r: Request, w: ResponseWriter) -> None:
        box = SIDEBARS[self.sidebar_calls % len(SIDEBARS)]
        self.sidebar_calls += 1
        w.send(build_response(200, HTML, page("Housing", article("housing"), box)))

    def soft(self, _r: Request, w: ResponseWriter) -> None:
        body = page("Health", article("health")) if self.phase == 0 else NOT_FOUND
        w.send(build_response(200, HTML, body))

    def vanish(self, _r: Request, w: ResponseWriter) -> None:
        if self.phase == 0:
            w.send(build_response(200, HTML, page("Police", article("police"))))
        else:
            w.close(abort=True)  # no response at all

    def hook(self, r: Request, w: ResponseWriter) -> None:
        if self.hook_failures > 0:
            self.hook_failures -= 1
            w.send(build_response(500, [("Content-Type", "text/plain")], b"down"))
            return
        self.hooks.append(json.loads(r.body))
        w.send(build_response(204, [], content_length=False))


WATCHED = ("edited", "same", "etag", "removed", "moved", "sidebar", "soft", "vanish")


@pytest.fixture(scope="module")
def watched(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Three runs over the fixture web; what each printed and what prov changes reports."""
    with RawHTTPServer() as server:
        web = FixtureWeb(server)
        web.install()
        home = tmp_path_factory.mktemp("watch") / "prov-data"
        env = prov_env(
            home,
            PROV_WEBHOOK_URL=server.url("/hook"),
            PROV_WEBHOOK_RETRY="0",
            PROV_WEBHOOK_TIMEOUT="5",
        )
        for name in WATCHED:
            added = run_prov(
                "schedule", "add", "--every", "3600", "--url", server.url(f"/{name}"),
                "--name", name, "--json", home=home, env=env,
            )  # fmt: skip
            assert added.returncode == 0, added.stderr
        runs = []
        for phase in range(3):
            web.phase = phase
            started = time.monotonic()
            result = run_prov("schedule", "run", "--all", "--json", home=home, env=env)
            assert result.returncode in (0, 1), result.stderr
            runs.append({"result": result, "seconds": time.monotonic() - started})
            time.sleep(1.1)  # pywb keys captures by the second
        listing = run_prov("changes", "--json", home=home, env=env)
        assert listing.returncode == 0, listing.stderr
        yield {"home": home, "env": env, "web": web, "runs": runs, "changes": listing.json()}


def _checks(changes: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [c for c in changes if c["watch"] == name]


def test_each_kind_of_change_is_reported(watched: dict[str, Any]) -> None:
    changes = watched["changes"]
    kinds = {name: [c["kind"] for c in _checks(changes, name)] for name in WATCHED}
    assert kinds == {
        "edited": ["first", "changed", "unchanged"],
        "same": ["first", "unchanged", "unchanged"],
        "etag": ["first", "unchanged", "unchanged"],
        "removed": ["first", "gone", "back"],
        "moved": ["first", "gone", "unchanged"],
        "sidebar": ["first", "unchanged", "unchanged"],
        "soft": ["first", "gone", "unchanged"],
        "vanish": ["first", "gone", "unchanged"],
    }
    states = {name: _checks(changes, name)[-1]["state"] for name in WATCHED}
    assert states == {
        "edited": "ok",
        "same": "ok",
        "etag": "ok",
        "removed": "ok",
        "moved": "gone",
        "sidebar": "ok",
        "soft": "gone",
        "vanish": "gone",
    }
    second = {name: _checks(changes, name)[1] for name in WATCHED}
    assert second["removed"]["reason"] == "HTTP 404" and second["removed"]["status"] == 404
    assert second["moved"]["reason"].startswith("redirected to the home page")
    assert second["moved"]["final_url"].endswith("/")
    assert second["soft"]["reason"].startswith("soft 404") and second["soft"]["status"] == 200
    assert second["vanish"]["reason"].startswith("no response")
    assert second["vanish"]["status"] is None
    assert _checks(changes, "moved")[2]["reason"].startswith("still gone")


def test_the_edit_is_stored_as_a_one_sentence_diff(watched: dict[str, Any]) -> None:
    changed = _checks(watched["changes"], "edited")[1]
    assert changed["diff"] == [
        {
            "op": "replace",
            "old": ["The vote was eleven to four, with two members absent."],
            "new": ["The vote was ten to five, with two members absent."],
            "old_index": 2,
            "new_index": 2,
        }
    ]  # the re-indented paragraph is not a change
    first = _checks(watched["changes"], "edited")[0]
    assert changed["from_capture"] == first["to_capture"]
    assert changed["to_timestamp"] > first["to_timestamp"]
    for check in watched["changes"]:
        assert len(check["timestamp"]) == 14 and check["run_id"]


def test_unchanged_pages_are_revisit_records(watched: dict[str, Any]) -> None:
    home = watched["home"]
    with sqlite3.connect(home / "index.sqlite") as db:
        rows = db.execute(
            "SELECT url, record_type, status, refers_to FROM captures "
            "WHERE url LIKE '%/same' OR url LIKE '%/etag' ORDER BY id"
        ).fetchall()
    same = [r for r in rows if r[0].endswith("/same")]
    etag = [r for r in rows if r[0].endswith("/etag")]
    assert [r[1] for r in same] == ["response", "revisit", "revisit"]
    assert [r[2] for r in etag] == [200, 304, 304]
    assert all(r[3] for r in same[1:] + etag[1:])
    checks = _checks(watched["changes"], "etag")
    assert checks[1]["content_capture"] == checks[0]["to_capture"]  # the 304 refers to run 1


def test_runs_are_recorded_and_the_output_lists_them(watched: dict[str, Any]) -> None:
    first, second, _third = (run["result"] for run in watched["runs"])
    assert first.returncode == 0, first.stderr
    assert second.returncode == 1  # 404, no response: the crawl reports failed URLs
    runs = second.json()
    assert {r["watch"] for r in runs} == set(WATCHED)
    failed = {r["watch"] for r in runs if r["status"] == "failed" and r["exit_code"] == 1}
    assert failed == {"removed", "moved", "soft", "vanish"}  # each judged by its own URL
    assert {r["status"] for r in runs if r["watch"] not in failed} == {"ok"}
    assert len({r["crawl_id"] for r in runs}) == 1  # one crawl for all the watches
    assert "prov: change: gone: " in second.stderr and "(watch removed): HTTP 404" in second.stderr
    with sqlite3.connect(watched["home"] / "index.sqlite") as db:
        rows = db.execute("SELECT status, exit_code, finished, trigger FROM runs").fetchall()
    assert len(rows) == 3 * len(WATCHED)
    assert all(finished and trigger == "command" for _s, _c, finished, trigger in rows)


def test_webhooks_are_retried_and_delivered_once_each(watched: dict[str, Any]) -> None:
    web: FixtureWeb = watched["web"]
    delivered = [hook["change"] for hook in web.hooks]
    expected = [c for c in watched["changes"] if c["kind"] in ("changed", "gone", "back")]
    assert sorted(c["id"] for c in delivered) == sorted(c["id"] for c in expected)
    assert len(web.server.exchanges_for("/hook")) == len(expected) + 1  # one 500, then all
    assert all(hook["event"] == "prov.change" for hook in web.hooks)
    second = watched["runs"][1]["result"]
    assert "prov: webhook: " in second.stderr and "HTTP Error 500" in second.stderr
    with sqlite3.connect(watched["home"] / "index.sqlite") as db:
        states = db.execute("SELECT state, count(*) FROM webhook_outbox GROUP BY state").fetchall()
    assert states == [("delivered", len(expected))]


def test_changes_filters_and_human_output(watched: dict[str, Any]) -> None:
    home, env = watched["home"], watched["env"]
    gone = run_prov("changes", "--kind", "gone", "--json", home=home, env=env).json()
    assert {c["watch"] for c in gone} == {"removed", "moved", "soft", "vanish"}
    later = run_prov("changes", "--since", "2999", "--json", home=home, env=env)
    assert later.returncode == 0 and later.json() == []
    newest = watched["changes"][-1]["timestamp"]
    since = run_prov("changes", "--since", newest, "--json", home=home, env=env).json()
    assert since and all(c["timestamp"] >= newest for c in since)
    human = run_prov("changes", "--watch", "edited", home=home, env=env)
    assert "- The vote was eleven to four, with two members absent." in human.stdout
    assert "+ The vote was ten to five, with two members absent." in human.stdout
    bad = run_prov("changes", "--since", "yesterday", home=home, env=env)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1


def test_home_pages_and_soft_404_rules() -> None:
    from archive.index.changes import TextOf
    from archive.watch.changes import is_home_page, soft_404

    for home in ("https://x.org", "https://x.org/", "https://x.org/index.html", "https://x.org/en/"):
        assert is_home_page(home), home
    for page_url in ("https://x.org/news/1", "https://x.org/en/story", "https://x.org/?p=12"):
        assert not is_home_page(page_url), page_url
    before = TextOf(" ".join(article("roads")), "Roads", None)
    gone = TextOf("Sorry, that page could not be found.", "Error", None)
    assert soft_404(gone, before) and soft_404(gone, None)  # says so: gone even on a first check
    assert soft_404(TextOf("", None, None), before)  # all main text vanished
    assert soft_404(TextOf("", None, None), None) is None  # nothing to compare with
    edit = TextOf(article("roads")[0], "Roads", None)  # much shorter, but the same text
    assert soft_404(edit, before) is None
    about_404 = TextOf("Error 404 pages: " + " ".join(article("web") * 3), "Errors", None)
    assert soft_404(about_404, before) is None  # a long article that mentions 404
    assert soft_404(TextOf(None, None, None), before) is None  # no text: no verdict
