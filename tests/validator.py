"""Running ../shared/tools/validate/validate_warcs.sh: tools that others wrote judge our WARCs."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def validator_script() -> Path:
    configured = os.environ.get("PROV_VALIDATOR")
    script = (
        Path(configured) if configured else REPO.parent / "shared/tools/validate/validate_warcs.sh"
    )
    if not script.is_file():
        raise FileNotFoundError(
            f"WARC validator not found at {script}: check out shared/ beside the repo "
            "or set PROV_VALIDATOR=/path/to/validate_warcs.sh"
        )
    return script


@dataclass
class Verdict:
    returncode: int
    summary: str
    output: str

    @property
    def passed(self) -> bool:
        return self.returncode == 0 and "result=PASS" in self.summary

    def field(self, name: str) -> int:
        match = re.search(rf"\b{name}=(\d+)", self.summary)
        return int(match.group(1)) if match else -1


def validate(paths: list[Path], *options: str, timeout: float = 600) -> Verdict:
    done = subprocess.run(
        ["bash", str(validator_script()), *options, *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("VALIDATE:")]
    return Verdict(done.returncode, lines[-1] if lines else "", done.stdout + done.stderr)
