"""A real RFC 3161 time-stamp authority for the tests: OpenSSL's ``openssl ts -reply`` behind a
small HTTP endpoint on 127.0.0.1 (port 0), with a throwaway CA and a TSA certificate made here.

with TimestampAuthority(tmp_path) as tsa:
    tsa.url        # POST application/timestamp-query here
    tsa.ca_pem     # the trust anchor a verifier is given (--tsa-cert)
"""

from __future__ import annotations

import datetime
import subprocess
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Self

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

__all__ = ["TimestampAuthority", "make_ca"]

_CONFIG = """\
[tsa]
default_tsa = tsa_config
[tsa_config]
dir = {dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.pem
certs = $dir/ca.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1
other_policies = 1.3.6.1.4.1.99999.2
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "prov test TSA"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _key_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def make_ca(common_name: str) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    """A self-signed CA valid from an hour ago for 30 days."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(_name(common_name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return cert, key


def _tsa_cert(
    common_name: str, ca: x509.Certificate, ca_key: rsa.RSAPrivateKey
) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    """A TSA certificate: the one critical extended key usage timeStamping (RFC 3161 2.3)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    return cert, key


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        size = int(self.headers.get("Content-Length") or 0)
        query = self.rfile.read(size)
        self.server.authority.queries += 1
        if self.server.authority.down:
            self.send_error(503, "time-stamping out of service")
            return
        reply = self.server.authority.reply(query)
        if reply is None:
            self.send_error(400, "openssl ts -reply refused the query")
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, format: str, *args: object) -> None:
        return  # quiet


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    authority: TimestampAuthority


class TimestampAuthority:
    """OpenSSL's TSA on 127.0.0.1; ``down`` makes it answer 503 (a TSA out of service)."""

    def __init__(self, directory: Path, name: str = "prov test TSA") -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        ca, ca_key = make_ca(f"{name} root CA")
        tsa, tsa_key = _tsa_cert(name, ca, ca_key)
        self.ca_pem = directory / "ca.pem"
        self.tsa_pem = directory / "tsa.pem"
        self.ca_pem.write_bytes(_pem(ca))
        self.tsa_pem.write_bytes(_pem(tsa))
        (directory / "tsa.key").write_bytes(_key_pem(tsa_key))
        (directory / "serial").write_text("01\n")
        self.config = directory / "tsa.cnf"
        self.config.write_text(_CONFIG.format(dir=directory))
        self.queries = 0
        self.down = False
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/tsr"

    def reply(self, query: bytes) -> bytes | None:
        """The DER TimeStampResp ``openssl ts -reply`` makes for QUERY (None if it fails)."""
        with self._lock, tempfile.TemporaryDirectory(dir=self.directory) as work:
            query_file = Path(work) / "query.tsq"
            reply_file = Path(work) / "reply.tsr"
            query_file.write_bytes(query)
            done = subprocess.run(
                ["openssl", "ts", "-reply", "-config", str(self.config),
                 "-queryfile", str(query_file), "-out", str(reply_file)],
                capture_output=True,
                check=False,
                timeout=30,
            )
            if done.returncode != 0 or not reply_file.exists():
                return None
            return reply_file.read_bytes()

    def start(self) -> Self:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.authority = self
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
