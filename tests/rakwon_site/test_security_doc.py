"""docs/security.md names, for every promise, the test that proves it: each named test must exist.

A promise whose test was renamed or deleted would otherwise go on being promised with nothing behind it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "security.md"

# `tests/a/b.py`, `tests/a/b.py::test_x`, or `::test_x` (in the file named last before it).
REFERENCE = re.compile(r"`((?:tests/[\w/]+\.py)?(?:::[\w*]+(?:\[[^\]`]*\])?)?)`")


def _promised_tests() -> list[tuple[int, str, str | None]]:
    found: list[tuple[int, str, str | None]] = []
    current: str | None = None
    for number, line in enumerate(DOC.read_text(encoding="utf-8").splitlines(), start=1):
        for reference in REFERENCE.findall(line):
            if not reference:
                continue
            path, _, name = reference.partition("::")
            if path:
                current = path
            if current is None:
                raise AssertionError(f"docs/security.md:{number}: `{reference}` names no file before it")
            found.append((number, current, re.sub(r"\[.*\]$", "", name) or None))
    return found


def _test_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test_")
    }


def test_security_doc_names_tests():
    assert len(_promised_tests()) >= 40


@pytest.mark.parametrize(("line", "path", "name"), _promised_tests(), ids=lambda value: str(value))
def test_security_doc_test_exists(line, path, name):
    file = ROOT / path
    assert file.is_file(), f"docs/security.md:{line} names {path}, which does not exist"
    if name is None:
        if file.name.startswith("test_"):
            assert _test_names(file), f"docs/security.md:{line}: {path} holds no test"
        return
    names = _test_names(file)
    if name.endswith("*"):
        matching = [each for each in names if each.startswith(name[:-1])]
    else:
        matching = [each for each in names if each == name]
    assert matching, f"docs/security.md:{line} names {path}::{name}, which is not a test there"
