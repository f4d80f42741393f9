"""The public API of archive.citations, and its independence from Scrapy."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import archive.citations

PACKAGE = Path(archive.citations.__file__).parent


def test_exported_members() -> None:
    exported = set(archive.citations.__all__)
    public = {
        name
        for name, value in vars(archive.citations).items()
        if not name.startswith("_") and getattr(value, "__module__", "").startswith("archive.")
    }
    assert exported == public | {"MATCH_THRESHOLD"}
    assert len(exported) == len(archive.citations.__all__)  # no duplicates
    for name in exported:
        assert getattr(archive.citations, name) is not None


def test_every_module_declares_all_and_no_scrapy() -> None:
    for path in sorted(PACKAGE.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {
            target.id
            for node in tree.body
            if isinstance(node, ast.Assign)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        assert "__all__" in names, path.name
        imported = {
            alias.name.split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        } | {
            (node.module or "").split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
        }
        assert not imported & {"scrapy", "twisted", "crawler"}, path.name
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 400, path.name


def test_importing_does_not_load_scrapy() -> None:
    code = "import sys, archive.citations; print('scrapy' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "False"
