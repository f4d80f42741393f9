"""Memento (RFC 7089) against a running ``prov serve``: TimeMaps list every capture, the
TimeGate picks the nearest, mementos carry their headers, and ``id_`` gives the payload as
stored, content-coding removed."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from archive.timestamps import parse_timestamp
from tests.conftest_serve import Served
from tests.servers.serveweb import GZIPPED_PAGE, story

_ENTRY = re.compile(r'<([^>]*)>((?:;\s*\w+="[^"]*")*)')


def _links(text: str) -> list[tuple[str, dict[str, str]]]:
    return [
        (target, dict(re.findall(r'(\w+)="([^"]*)"', params)))
        for target, params in _ENTRY.findall(text)
    ]


def _mementos(served: Served, url: str) -> list[str]:
    with served.server.client() as client:
        listed = client.get("/api/captures", params={"url": url}).json()
    return [c["timestamp"] for c in listed if c["status"] is not None and c["warc"]]


def test_the_timemap_lists_every_capture(served: Served) -> None:
    url = served.web.url("/story.html")
    stamps = _mementos(served, url)
    assert len(stamps) >= 3  # before the edit, after it, and the watch's check (a revisit)
    with served.server.client() as client:
        answer = client.get(f"/timemap/link/{url}")
        as_json = client.get(f"/timemap/json/{url}").json()
        missing = client.get(f"/timemap/link/{served.web.url('/never.html')}")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/link-format")
    links = _links(answer.text)
    assert links[0] == (url, {"rel": "original"})
    rels = {params["rel"]: target for target, params in links}
    assert rels["timegate"] == f"{served.server.url}timegate/{url}"
    mementos = [(t, p) for t, p in links if "memento" in p["rel"].split()]
    assert [t for t, _ in mementos] == [f"{served.server.url}web/{s}/{url}" for s in stamps]
    assert "first" in mementos[0][1]["rel"] and "last" in mementos[-1][1]["rel"]
    when = format_datetime(parse_timestamp(stamps[0]), usegmt=True)
    assert mementos[0][1]["datetime"] == when
    assert [m["timestamp"] for m in as_json["mementos"]["list"]] == stamps
    assert missing.status_code == 404 and missing.json()["error"]["status"] == 404


def test_the_timegate_redirects_to_the_nearest_memento(served: Served) -> None:
    url = served.web.url("/story.html")
    stamps = _mementos(served, url)
    first, second = (parse_timestamp(s) for s in stamps[:2])
    asked = {
        first - timedelta(days=365): stamps[0],
        first + (second - first) / 4: stamps[0],
        second - timedelta(seconds=0.4): stamps[1],
        datetime.now(UTC) + timedelta(days=30): stamps[-1],
    }
    with served.server.client() as client:
        for moment, expected in asked.items():
            header = format_datetime(moment.replace(microsecond=0), usegmt=True)
            answer = client.get(f"/timegate/{url}", headers={"Accept-Datetime": header})
            assert answer.status_code == 302, answer.text
            assert answer.headers["location"] == f"{served.server.url}web/{expected}/{url}"
            assert answer.headers["vary"] == "accept-datetime"
        newest = client.get(f"/timegate/{url}")
        bad = client.get(f"/timegate/{url}", headers={"Accept-Datetime": "yesterday"})
    assert newest.headers["location"].endswith(f"/web/{stamps[-1]}/{url}")
    assert bad.status_code == 400 and "Accept-Datetime" in bad.json()["error"]["message"]


def test_a_memento_has_its_datetime_and_links_and_an_inexact_time_redirects(
    served: Served,
) -> None:
    url = served.web.url("/story.html")
    stamps = _mementos(served, url)
    with served.server.client() as client:
        page = client.get(f"/web/{stamps[0]}/{url}")
        near = client.get(f"/web/{stamps[0][:8]}/{url}")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.headers["memento-datetime"] == format_datetime(
        parse_timestamp(stamps[0]), usegmt=True
    )
    rels = {p["rel"]: t for t, p in _links(page.headers["link"])}
    assert rels["original"] == url
    assert rels["timemap"] == f"{served.server.url}timemap/link/{url}"
    assert rels["first memento"] == f"{served.server.url}web/{stamps[0]}/{url}"
    assert near.status_code == 302
    assert re.search(r"/web/\d{14}/", near.headers["location"])


def test_id_gives_the_payload_exactly_as_stored_with_content_coding_removed(
    served: Served,
) -> None:
    url = served.web.url("/story.html")
    stamps = _mementos(served, url)
    first_body = story(edited=False).split(b"\r\n\r\n", 1)[1]
    edited_body = story(edited=True).split(b"\r\n\r\n", 1)[1]
    gzipped = served.web.url("/gzipped.html")
    with served.server.client() as client:
        before = client.get(f"/web/{stamps[0]}id_/{url}")
        after = client.get(f"/web/{stamps[1]}id_/{url}")
        revisit = client.get(f"/web/{stamps[-1]}id_/{url}")
        decoded = client.get(f"/web/{_mementos(served, gzipped)[0]}id_/{gzipped}")
    assert before.content == first_body and after.content == edited_body
    assert revisit.content == edited_body  # a revisit serves its original's payload
    assert decoded.content == GZIPPED_PAGE and "content-encoding" not in decoded.headers
    assert before.headers["content-security-policy"] == "sandbox"  # no script on our origin
    assert before.headers["memento-datetime"]
