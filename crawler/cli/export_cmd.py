"""``prov export --wacz OUT ...`` (a signed, time-stamped evidence package) and ``prov key``
(the operator's signing key)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from archive.config import Config, ConfigError
from archive.errors import error_line
from archive.export.selection import SelectionError, Selector
from archive.store.base import StoreError
from archive.timestamps import parse_timestamp, timestamp14
from crawler import __version__
from crawler.cli.common import open_configured_session
from crawler.cli.output import (
    EXIT_OK,
    EXIT_SOME_FAILED,
    JsonOption,
    checked_url,
    fail,
    print_json,
    stderr,
    stdout,
)

if TYPE_CHECKING:  # packaging and signing (citations, cryptography) load only for prov export
    from archive.export.package import Signer

__all__ = ["export", "key_app", "key_create", "key_show"]

SOFTWARE = f"prov {__version__}"

key_app = typer.Typer(
    help="The operator's signing key for evidence packages.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def _config() -> Config:
    try:
        return Config.from_env()
    except ConfigError as exc:
        fail(str(exc))


def _selector(
    urls: list[str], crawl: str | None, article: str | None, since: str | None
) -> Selector:
    given = sum(bool(x) for x in (urls, crawl, article, since))
    if given != 1:
        fail("name what to export: URLs, or one of --crawl ID, --article URL, --since TS")
    if since is not None:
        try:
            since = timestamp14(parse_timestamp(since))
        except ValueError as exc:
            fail(f"--since: {exc}")
    return Selector(
        urls=tuple(checked_url(u) for u in urls),
        crawl_id=crawl,
        article=checked_url(article, "--article") if article else None,
        since=since,
    )


def _signer(config: Config) -> tuple[Signer, str]:
    """The signer of packages and how to name it; a missing or bad key is exit 2."""
    from archive.export.signing import (
        SigningKeyError,
        key_fingerprint,
        load_key,
        public_key_b64,
        sign_hash,
    )
    from archive.export.signing_service import remote_signer
    from archive.export.tsa import load_anchors

    options = config.evidence
    try:
        anchors = load_anchors(options.tsa_certs)
    except ConfigError as exc:
        fail(str(exc))
    if options.signing_url:
        url = options.signing_url
        signer = remote_signer(
            url, options.signing_token, timeout=options.tsa_timeout, tsa_anchors=anchors
        )
        return signer, f"signing service {url.split('@')[-1]}"
    try:
        key = load_key(options.signing_key)
    except SigningKeyError as exc:
        fail(str(exc))
    fingerprint = key_fingerprint(public_key_b64(key.public_key()))

    def sign(digest: str, created: str) -> dict[str, Any]:
        return sign_hash(key, digest, created, SOFTWARE)

    return sign, f"key sha256:{fingerprint}"


def export(
    urls: Annotated[
        list[str] | None, typer.Argument(help="URLs whose captures to export")
    ] = None,
    wacz: Annotated[
        Path | None, typer.Option("--wacz", help="the WACZ file to write (.wacz)")
    ] = None,
    crawl: Annotated[str | None, typer.Option("--crawl", help="every capture of a crawl")] = None,
    article: Annotated[
        str | None,
        typer.Option("--article", help="an article's newest citation crawl, with its claims"),
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="every capture since a 4-14 digit time")
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Write a signed, RFC 3161-timestamped WACZ evidence package."""
    from archive.export.package import export_package
    from archive.export.signing_service import SigningServiceError

    if wacz is None:
        fail("give the package to write with --wacz OUT.wacz")
    out = wacz.expanduser().absolute()
    if out.suffix != ".wacz":
        fail(f"--wacz {wacz}: a WACZ file name ends in .wacz")
    if out.exists():
        fail(f"--wacz {wacz} exists: prov never overwrites a package (choose another name)")
    if not out.parent.is_dir():
        fail(f"--wacz {wacz}: no directory {out.parent}")
    selector = _selector(urls or [], crawl, article, since)
    config = _config()
    signer, signer_name = _signer(config)
    session = open_configured_session(upload=False)
    try:
        result = export_package(
            session.index, session.store, config.evidence, selector, out, signer, SOFTWARE
        )
    except SelectionError as exc:
        fail(str(exc))
    except SigningServiceError as exc:
        fail(f"signing service: {exc} (nothing written)", EXIT_SOME_FAILED)
    except (StoreError, OSError) as exc:
        fail(f"cannot export: {error_line(exc)} (nothing written)", EXIT_SOME_FAILED)
    failed = False
    for stamp in result.stamps:
        if stamp.error:
            stderr.print(f"prov: failed: timestamp from {stamp.tsa}: {stamp.error}", markup=False)
            failed = True
    if not any(s.token for s in result.stamps):
        why = "every TSA failed" if result.stamps else "PROV_TSA_URLS is not set"
        stderr.print(f"prov: failed: the package has no trusted timestamp ({why})", markup=False)
        failed = True
    for problem in result.problems:
        stderr.print(f"prov: failed: {problem}", markup=False)
        failed = True
    if json_output:
        print_json({**result.to_json(), "signer": signer_name})
    else:
        stdout.print(
            f"wrote {out} ({result.captures} captures, {result.records} records, "
            f"{result.pages} pages, {result.claims} claims; {result.size / 1e6:.1f} MB)",
            markup=False,
        )
        stdout.print(f"datapackage.json {result.manifest_hash}, signed by {signer_name}",
                     markup=False)
        for stamp in result.stamps:
            if stamp.token is not None:
                stdout.print(
                    f"timestamp {stamp.token.gen_time:%Y-%m-%dT%H:%M:%SZ} from {stamp.tsa} "
                    f"(serial {stamp.token.serial}, {stamp.token.signer})",
                    markup=False,
                )
    raise typer.Exit(EXIT_SOME_FAILED if failed else EXIT_OK)


def _key_json(path: Path, public: str) -> dict[str, str]:
    from archive.export.signing import key_fingerprint

    return {"path": str(path), "public_key": public, "fingerprint": key_fingerprint(public)}


def _print_key(data: dict[str, str], json_output: bool, verb: str) -> None:
    if json_output:
        print_json(data)
        return
    stdout.print(f"{verb} {data['path']}", markup=False)
    stdout.print(f"public key (base64 DER): {data['public_key']}", markup=False)
    stdout.print(f"fingerprint: sha256:{data['fingerprint']}", markup=False)


@key_app.command("create")
def key_create(json_output: JsonOption = False) -> None:
    """Make the ECDSA P-256 signing key at PROV_SIGNING_KEY (never replaces one)."""
    from archive.export.signing import SigningKeyError, create_key, public_key_b64

    path = _config().evidence.signing_key
    try:
        key = create_key(path)
    except SigningKeyError as exc:
        fail(str(exc))
    _print_key(_key_json(path, public_key_b64(key.public_key())), json_output, "created")
    if not json_output:
        stdout.print("give the public key or its fingerprint to whoever checks your packages "
                     "(prov verify --wacz FILE --key KEY)", markup=False)


@key_app.command("show")
def key_show(json_output: JsonOption = False) -> None:
    """The public key and fingerprint of the signing key."""
    from archive.export.signing import SigningKeyError, load_key, public_key_b64

    path = _config().evidence.signing_key
    try:
        key = load_key(path)
    except SigningKeyError as exc:
        fail(str(exc))
    _print_key(_key_json(path, public_key_b64(key.public_key())), json_output, "key")
