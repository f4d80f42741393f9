"""The index on the machine's real PostgreSQL: prov archive and lookup with PROV_DATABASE_URL."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import prov_env, run_prov
from tests.index_check import check_row_points_at_its_record
from tests.servers import RawHTTPServer


def test_archive_and_lookup_on_postgresql(
    raw_server: RawHTTPServer, postgres_url: str, prov_home: Path
) -> None:
    env = prov_env(prov_home, PROV_DATABASE_URL=postgres_url)
    url = raw_server.url("/gzip")
    first = run_prov("archive", "--json", url, home=prov_home, env=env)
    assert first.returncode == 0, first.stderr
    second = run_prov("archive", "--json", url, home=prov_home, env=env)
    assert second.returncode == 0, second.stderr
    lookup = run_prov("lookup", "--json", url, home=prov_home, env=env).json()
    assert [c["record_id"] for c in lookup] == [
        next(c["record_id"] for c in run.json() if c["url"] == url) for run in (first, second)
    ]
    for row in lookup:
        check_row_points_at_its_record(row)
    assert not (prov_home / "index.sqlite").exists()


def test_bad_database_url_is_a_configuration_error(prov_home: Path) -> None:
    env = prov_env(prov_home, PROV_DATABASE_URL="nosuchdb://x")
    result = run_prov("lookup", "http://example.org/", home=prov_home, env=env)
    assert result.returncode == 2
    assert "PROV_DATABASE_URL" in result.stderr
