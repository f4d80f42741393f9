"""Replay through a real pywb (the validator toolkit's), for checks the validator does not make."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.validator import validator_script


def _venv() -> Path:
    venv = Path(os.environ.get("VALIDATE_VENV", Path.home() / ".cache/prov-validate-venv"))
    if not (venv / "bin" / "wayback").exists():  # the validator's own setup creates it
        subprocess.run(["bash", str(validator_script().parent / "setup.sh")], check=True)
    return venv


def validator_tool(name: str) -> Path:
    """A command of the validator's venv (wacz, wb-manager, warcio...), set up if missing."""
    return _venv() / "bin" / name


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def wayback(warcs: list[Path], workdir: Path) -> Iterator[str]:
    """A pywb collection "t" of WARCS (or WACZ files, added with their own CDXJ index)
    served on 127.0.0.1; yields the base replay URL."""
    bin_dir = _venv() / "bin"
    subprocess.run([bin_dir / "wb-manager", "init", "t"], cwd=workdir, check=True)
    unpack = ["--unpack-wacz"] if any(p.suffix == ".wacz" for p in warcs) else []
    subprocess.run(
        [bin_dir / "wb-manager", "add", *unpack, "t", *map(str, warcs)], cwd=workdir, check=True
    )
    port = _free_port()
    process = subprocess.Popen(
        [bin_dir / "wayback", "-b", "127.0.0.1", "-p", str(port)],
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/t/"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(base, timeout=1)
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=15)


def replay(base: str, timestamp: str, url: str) -> tuple[int, bytes]:
    request = urllib.request.Request(f"{base}{timestamp}id_/{url}", headers={"Connection": "close"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
