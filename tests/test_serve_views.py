"""What the pages show, from index rows: the timeline's events, the side-by-side diff, a
passage in its context, and the citation graph's SVG (escaped)."""

from __future__ import annotations

from dataclasses import replace

from archive.index.rows import Capture
from archive.serve.graph_svg import graph_svg
from archive.serve.views import passage_in_context, side_by_side, timeline

BASE = Capture("http://a.test/p", "20261101000000", 200, "text/html", "sha1:A",
               "file:///w.warc.gz", 0, 10, "<urn:uuid:1>", None, record_type="response")


def _at(stamp: str, **changes: object) -> Capture:
    return replace(BASE, timestamp=stamp, record_id=f"<urn:uuid:{stamp}>", **changes)


def test_the_timeline_tells_changes_revisits_gone_and_back() -> None:
    captures = [
        _at("20261101000000"),
        _at("20261102000000", record_type="revisit"),
        _at("20261103000000", payload_digest="sha1:B"),
        _at("20261104000000", payload_digest="sha1:B"),
        _at("20261105000000", status=404, payload_digest="sha1:N"),
        _at("20261106000000", status=None, error="connection refused", warc=None),
        _at("20261107000000", payload_digest="sha1:B"),
        _at("20261108000000", status=301, location="http://a.test/q"),
        _at("20261109000000", status=503),
    ]
    events = [(e.event, e.note) for e in timeline(captures)]
    assert [e for e, _ in events] == [
        "first", "revisit", "changed", "unchanged", "gone", "error", "back", "redirect", "error"
    ]
    assert events[4][1] == "HTTP 404" and events[5][1] == "connection refused"
    assert events[7][1] == "to http://a.test/q"


def test_the_side_by_side_diff_aligns_sentences_and_marks_the_changed_run() -> None:
    rows = side_by_side("One. Two is here. Three.", "One. Two is there.  Three.")
    assert [(r.op, r.old, r.new) for r in rows] == [
        ("equal", ["One."], ["One."]),
        ("replace", ["Two is here."], ["Two is there."]),
        ("equal", ["Three."], ["Three."]),
    ]


def test_a_passage_comes_with_its_context_and_bad_offsets_give_nothing() -> None:
    text = "x" * 400 + "the passage" + "y" * 400
    before, passage, after = passage_in_context(text, 400, 411)
    assert passage == "the passage" and before.startswith("… ") and after.endswith(" …")
    assert len(before) < 330 and len(after) < 330
    assert passage_in_context(text, 900, 950) == ("", "", "")
    assert passage_in_context(text, None, 4) == ("", "", "")


def test_the_graph_svg_escapes_what_pages_said() -> None:
    graph = {
        "article": {"url": "http://a.test/<x>", "title": "A & <b>"},
        "sources": [{"url": "http://s.test/", "status": "captured", "found_by": "link",
                     "title": "<script>alert(1)</script>", "depth": 1}],
        "claims": [{"cited_url": "http://s.test/"}],
    }
    svg = graph_svg(graph)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "A &amp; &lt;b&gt;" in svg
    assert "link, 1 claim" in svg
