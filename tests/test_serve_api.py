"""The JSON API of a running ``prov serve``: lookups answer as the command line does, archive
jobs run as prov processes (pending -> done, state in the index across restarts), and every
bad input is a JSON 4xx."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import run_prov
from tests.conftest_serve import Served
from tests.serve_harness import ServeProcess, guarded_env
from tests.servers import Request, ResponseWriter, build_response
from tests.servers.serveweb import EDITED_SENTENCE


def wait_for_job(client: httpx.Client, job_id: str, timeout: float = 90) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get(f"/api/jobs/{job_id}").json()
        if job["status"] in ("done", "error"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} not finished: {job}")


def _cli(served: Served, *args: str) -> Any:
    result = run_prov(*args, "--json", home=served.home, env=served.server.env)
    return result.json()


def test_lookups_answer_as_the_command_line(served: Served) -> None:
    story, article = served.web.url("/story.html"), served.web.url("/article.html")
    with served.server.client() as client:
        api = {
            "lookup": client.get("/api/captures", params={"url": story}).json(),
            "text": client.get("/api/text", params={"url": story}).json(),
            "diff": client.get("/api/diff", params={"url": story}).json(),
            "search": client.get("/api/search", params={"q": "now expects"}).json(),
            "sources": client.get("/api/sources", params={"article": article}).json(),
            "changes": client.get("/api/changes").json(),
        }
    assert api["lookup"] == _cli(served, "lookup", story)
    assert api["text"] == _cli(served, "text", story)
    assert api["diff"] == _cli(served, "diff", story)
    assert EDITED_SENTENCE in api["diff"]["changes"][0]["new"]
    assert api["search"] == _cli(served, "search", "now expects")
    assert api["search"][0]["url"] == story
    assert api["sources"] == _cli(served, "sources", article)
    assert api["changes"] == _cli(served, "changes") and api["changes"][0]["kind"] == "first"


def test_an_archive_job_goes_from_pending_to_done_and_a_recent_capture_is_reused(
    served: Served,
) -> None:
    url = served.web.url("/job.html")
    before = len(served.web.exchanges_for("/job.html"))
    with served.server.client(served.db_token) as client:
        answer = client.post("/api/archive", json={"url": url})
        assert answer.status_code == 202, answer.text
        job = answer.json()
        assert job["status"] == "pending" and answer.headers["location"].endswith(job["job_id"])
        done = wait_for_job(client, job["job_id"])
        assert done["status"] == "done", done
        page = [c for c in done["captures"] if c["url"] == url]
        assert [c["status"] for c in page] == [200] and page[0]["record_id"]
        assert len(served.web.exchanges_for("/job.html")) == before + 1
        listed = client.get("/api/captures", params={"url": url}).json()
        assert page[0]["record_id"] in [c["record_id"] for c in listed]
        again = client.post("/api/archive", json={"url": url, "if_not_archived_within": "1h"})
        assert again.status_code == 200, again.text
        reused = client.get(f"/api/jobs/{again.json()['job_id']}").json()
    assert reused["status"] == "done" and reused["reused"] is True
    assert [c["record_id"] for c in reused["captures"]] == [page[0]["record_id"]]
    assert len(served.web.exchanges_for("/job.html")) == before + 1  # nothing fetched


def test_every_bad_input_is_a_json_4xx_without_a_traceback(served: Served) -> None:
    token = {"Authorization": f"Bearer {served.env_token}"}
    story = served.web.url("/story.html")
    cases: list[tuple[str, str, dict[str, Any], int]] = [
        ("GET", "/api/captures", {}, 400),
        ("GET", "/api/captures", {"params": {"url": "ftp://example.org/"}}, 400),
        ("GET", "/api/captures", {"params": {"url": "http://" + "a" * 3000}}, 414),
        ("GET", "/api/text", {"params": {"url": story, "at": "2026-12"}}, 400),
        ("GET", "/api/text", {"params": {"url": served.web.url("/nothing")}}, 404),
        ("GET", "/api/diff", {"params": {"url": story, "from": "x"}}, 400),
        ("GET", "/api/search", {"params": {"q": "  "}}, 400),
        ("GET", "/api/search", {"params": {"q": "a", "limit": "many"}}, 422),
        ("GET", "/api/sources", {"params": {"article": story}}, 404),
        ("GET", "/api/changes", {"params": {"kind": "exploded"}}, 400),
        ("GET", "/api/changes", {"params": {"since": "tomorrow"}}, 400),
        ("GET", "/api/jobs/../../etc/passwd", {}, 404),
        ("GET", "/api/jobs/0123", {}, 404),
        ("GET", "/web/notatime/http://x/", {}, 400),
        ("GET", "/web/20261301000000/http://x/", {}, 400),
        ("GET", "/no/such/page", {}, 404),
        ("DELETE", "/api/captures", {}, 405),
        ("POST", "/api/archive", {"headers": token, "content": b"{not json"}, 422),
        ("POST", "/api/archive", {"headers": token, "json": {"url": story, "x": 1}}, 422),
        ("POST", "/api/archive", {"headers": token, "json": {"url": story, "mode": "all"}}, 422),
        ("POST", "/api/archive", {"headers": token, "json": {"url": "javascript:alert(1)"}}, 400),
        ("POST", "/api/archive", {"headers": token,
                                  "json": {"url": story, "if_not_archived_within": "soon"}}, 422),
        ("POST", "/api/archive", {"headers": token, "json": {"url": "x" * 20000}}, 413),
        ("POST", "/api/watches", {"headers": token, "json": {"url": story, "every": 5}}, 422),
    ]
    with served.server.client() as client:
        for method, path, options, status in cases:
            answer = client.request(method, path, **options)
            assert answer.status_code == status, (method, path, answer.status_code, answer.text)
            error = answer.json()["error"]
            assert error["status"] == status and error["message"], (path, error)
            assert "Traceback" not in answer.text and 'File "' not in answer.text
    assert "Traceback" not in served.server.log.read_text()


def test_jobs_are_kept_in_the_index_across_a_restart(tmp_path: Path, served: Served) -> None:
    """A job queued by a server without workers is run by the next server on the same index
    (this one with two processes on its port: answers come from both). The first server's
    queue holds one job (the next is 503), and reading is closed there: without a token, a
    read is 401."""
    home = tmp_path / "prov-data"
    env = guarded_env(home, tmp_path / "connects.log", PROV_API_TOKENS=served.env_token,
                      PROV_SERVE_OPEN_READ="0", PROV_SERVE_REPLAY="off")
    url = served.web.url("/job.html")
    queue_of_one = {**env, "PROV_SERVE_WORKERS": "0", "PROV_SERVE_QUEUE": "1"}
    with ServeProcess(home, queue_of_one, tmp_path / "a.log") as first:
        with first.client(served.env_token) as client:
            job = client.post("/api/archive", json={"url": url}).json()
            full = client.post("/api/archive", json={"url": url})
            assert full.status_code == 503 and full.headers["retry-after"]
            time.sleep(0.5)
            assert client.get(f"/api/jobs/{job['job_id']}").json()["status"] == "pending"
        with first.client() as anonymous:
            assert anonymous.get(f"/api/jobs/{job['job_id']}").status_code == 401
    second = ServeProcess(home, env, tmp_path / "b.log", args=("--processes", "2"))
    with second, second.client(served.env_token) as client:
        done = wait_for_job(client, job["job_id"])
        deadline = time.monotonic() + 30
        while second.log.read_text().count("Application startup complete") < 2:
            assert time.monotonic() < deadline, second.log.read_text()
            time.sleep(0.2)
        for _ in range(4):  # new connections, accepted by either process
            answer = client.get("/api/captures", params={"url": url},
                                headers={"Connection": "close"})  # fmt: skip
            assert answer.status_code == 200 and answer.json()[-1]["status"] == 200
    assert done["status"] == "done" and [c["status"] for c in done["captures"]][-1] == 200
    assert second.log.read_text().count("Started server process") == 2
    assert not (tmp_path / "connects.log").exists()


def test_a_running_job_reports_what_it_captured_so_far(served: Served) -> None:
    """The page answers only once the test has seen the job's progress (robots.txt captured,
    the page not yet), or after 60 s."""
    release = threading.Event()

    def slow(_request: Request, writer: ResponseWriter) -> None:
        release.wait(60)
        writer.send(build_response(200, [("Content-Type", "text/html")], b"<p>Slow page.</p>"))

    served.web.route("/slow-job.html", slow)
    url = served.web.url("/slow-job.html")
    seen: dict[str, Any] | None = None
    with served.server.client(served.db_token) as client:
        job = client.post("/api/archive", json={"url": url}).json()
        deadline = time.monotonic() + 60
        try:
            while seen is None and time.monotonic() < deadline:
                now = client.get(f"/api/jobs/{job['job_id']}").json()
                assert now["status"] in ("pending", "running"), now
                if now["progress"] and now["progress"]["captures"]:
                    seen = now
                time.sleep(0.2)
        finally:
            release.set()
        done = wait_for_job(client, job["job_id"])
    assert seen is not None, "no progress while the job ran"
    assert seen["status"] == "running" and seen["progress"]["latest"].endswith("/robots.txt")
    assert done["status"] == "done" and done["progress"] is None, done
    assert [c["status"] for c in done["captures"] if c["url"] == url] == [200]
    assert done["crawl_id"] is not None and done["crawl_id"].startswith(job["job_id"][:24])
    assert {c["crawl_id"] for c in done["captures"]} == {done["crawl_id"]}


def test_each_run_of_a_job_has_a_crawl_of_its_own(tmp_path: Path) -> None:
    """A job a stopped server left running runs again: its second crawl must not take the
    first one's id (the crawls table would refuse it)."""
    from archive.config import Config
    from archive.index.database import open_engine
    from archive.index.jobs import JobIndex

    jobs = JobIndex(open_engine(f"sqlite:///{tmp_path / 'index.sqlite'}"))
    added = jobs.add("https://example.org/", "page", None)
    assert added.crawl_id is None
    first = jobs.claim(1)
    assert first is not None and first.crawl_id is not None
    assert jobs.requeue_running() == 1
    second = jobs.claim(2)
    assert second is not None and second.crawl_id not in (None, first.crawl_id)
    for run in (first, second):
        config = Config.from_env({"PROV_HOME": str(tmp_path), "PROV_CRAWL_ID": run.crawl_id})
        assert config.new_crawl_id() == run.crawl_id
