"""The crontab line for a watch: runs as-is from cron's empty environment, holds no credential.

cron starts commands with almost nothing set (no ``PATH`` beyond ``/usr/bin:/bin``, no
``PROV_*``, no virtualenv), so the line names the interpreter or console script by its
absolute path and carries the settings ``prov schedule add`` ran with. Credentials (AWS keys,
a webhook's or proxy's ``user:password@``, anything named ``*SECRET*``, ``*PASSWORD*``,
``*TOKEN*``, ``*CREDENTIAL*``) are never printed: the line reads them from an env file the
user writes (``NAME=value`` lines), and :class:`CronLine` says which names it must hold.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

__all__ = ["CronLine", "cron_line", "is_credential", "prov_command"]

# Settings a watch run reads besides PROV_*: the settings profile, S3 and proxies.
_CARRIED = frozenset(
    {"SCRAPY_SETTINGS_MODULE", "http_proxy", "https_proxy", "no_proxy", "all_proxy"}
    | {"HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY"}
)
_SECRET_WORDS = ("SECRET", "PASSWORD", "TOKEN", "CREDENTIAL")
_AWS_KEYS = frozenset({"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"})
_PROBE = "import importlib.util as u; s = u.find_spec('crawler'); print(s.origin if s else '')"


@dataclass(frozen=True)
class CronLine:
    """``line`` goes into the crontab; when ``needs`` is not empty, ``env_file`` must exist
    and set those names (``NAME=value`` lines, readable by the crontab's owner only)."""

    line: str
    env_file: Path | None = None
    needs: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "line": self.line,
            "env_file": str(self.env_file) if self.env_file else None,
            "needs": self.needs,
        }


def is_credential(name: str, value: str) -> bool:
    """Whether environment variable NAME=VALUE holds a secret that must not be printed."""
    upper = name.upper()
    if upper in _AWS_KEYS or any(word in upper for word in _SECRET_WORDS):
        return True
    return "://" in value and "@" in urlsplit(value).netloc


def _package_root() -> Path:
    import crawler

    return Path(crawler.__file__).resolve().parent.parent


def _found_from_empty_environment() -> Path | None:
    """Where this interpreter finds the ``crawler`` package with no environment and cwd /."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", _PROBE],
            env={},
            cwd="/",
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    origin = done.stdout.strip()
    return Path(origin).resolve().parent.parent if done.returncode == 0 and origin else None


def prov_command() -> tuple[list[str], dict[str, str]]:
    """(argv, environment) that runs this very prov from an empty environment: the ``prov``
    console script next to the interpreter when it loads this code; otherwise the interpreter
    with ``-m crawler.cli`` and ``PYTHONPATH`` naming this source tree."""
    root = _package_root()
    script = Path(sys.executable).parent / "prov"
    if os.access(script, os.X_OK) and _found_from_empty_environment() == root:
        return [str(script)], {}
    return [sys.executable, "-m", "crawler.cli"], {"PYTHONPATH": str(root)}


def _quote(value: str) -> str:
    """Shell quoting, then cron's own rule: an unescaped ``%`` would end the command."""
    return shlex.quote(value).replace("%", "\\%")


def cron_line(
    schedule: str,
    name: str,
    home: Path,
    *,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    env_file: Path | None = None,
) -> CronLine:
    """The crontab line running watch NAME on SCHEDULE with the settings of ENVIRON (default:
    this process's), PROV_HOME as the absolute HOME, from CWD (relative settings keep their
    meaning). Credentials are left to ENV_FILE (default ``~/.config/prov/prov.env``)."""
    env = os.environ if environ is None else environ
    argv, extra = prov_command()
    carried = {
        key: value
        for key, value in sorted(env.items())
        if value and (key.startswith(("PROV_", "AWS_")) or key in _CARRIED)
    }
    carried.update(extra, PROV_HOME=str(home))
    needs = sorted(key for key, value in carried.items() if is_credential(key, value))
    settings = " ".join(f"{k}={_quote(v)}" for k, v in carried.items() if k not in needs)
    command = " ".join(_quote(a) for a in [*argv, "schedule", "run", name, "--trigger", "cron"])
    parts = [f"cd {_quote(str(cwd or Path.cwd()))}", f"{settings} {command}"]
    source = None
    if needs:
        source = env_file or Path.home() / ".config" / "prov" / "prov.env"
        parts.insert(0, f"set -a && . {_quote(str(source))} && set +a")
    return CronLine(f"{schedule} {' && '.join(parts)}", source, needs)
