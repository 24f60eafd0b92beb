"""Imports go at the top of a module. An import inside a function is allowed only where it must
wait (AppConfig.ready, a heavy optional library in a worker path, a management command) and
then says why in a comment on its line or the line above: a reader should never have to guess
whether it dodges an import loop (those are fixed, not hidden: see events/queue.py)."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PACKAGES = ("events", "exhibits", "media_rtc", "rakwon_site")
# The one function-local import left that dodges a loop: presence's places and ticker need each
# other (places marks the tick, the tick reads the places). Remove it when that loop is cut; a
# stale entry fails the test.
PENDING = {
    ("events/live/presence/ticker.py", "from . import places"),
}
PRAGMA = re.compile(r"noqa(:\s*[A-Z]+[0-9]+(,\s*[A-Z]+[0-9]+)*)?|type:\s*ignore(\[[^\]]*\])?|pragma:[^#]*")


def comment_lines(source: str) -> dict[int, str]:
    """Line number -> the comment's text without lint pragmas (what is left must say why)."""
    found = {}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            found[token.start[0]] = PRAGMA.sub("", token.string.lstrip("#")).strip(" :")
    return found


def unexplained_local_imports(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    comments = comment_lines(source)
    found = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if in_function and isinstance(child, (ast.Import, ast.ImportFrom)):
                lines = range(child.lineno - 1, (child.end_lineno or child.lineno) + 1)
                if not any(re.search(r"[^\W\d_]{2}", comments.get(line, "")) for line in lines):
                    found.append(f"{path.relative_to(ROOT)}:{child.lineno}: {ast.unparse(child)}")
            visit(child, in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)))

    visit(ast.parse(source, filename=str(path)), in_function=False)
    return found


def our_modules() -> list[Path]:
    return sorted(
        path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    )


def pending(line: str) -> tuple[str, str]:
    where, _colon, statement = line.partition(": ")
    return where.rsplit(":", 1)[0], statement


def test_every_function_local_import_says_why_it_waits():
    found = [line for path in our_modules() for line in unexplained_local_imports(path)]
    unexplained = [line for line in found if pending(line) not in PENDING]
    stale = PENDING - {pending(line) for line in found}

    assert stale == set(), f"These imports moved: remove them from PENDING in {__name__}: {sorted(stale)}"

    assert unexplained == [], (
        "Move these imports to the top of their module; if one truly must wait (AppConfig.ready, "
        "a heavy optional library, a management command), say why in a comment on its line:\n"
        + "\n".join(unexplained)
    )


def test_an_unexplained_local_import_is_found(tmp_path, monkeypatch):
    monkeypatch.setattr("tests.rakwon_site.test_imports.ROOT", tmp_path)
    module = tmp_path / "sample.py"
    module.write_text(
        "import os\n\n"
        "def hidden():\n"
        "    from json import dumps  # noqa: PLC0415\n"
        "    return dumps\n\n"
        "def explained():\n"
        "    # av is heavy and only the media worker needs it\n"
        "    import av\n"
        "    from math import (  # the ready() hook: the app registry is full only now\n"
        "        pi,\n"
        "    )\n"
        "    return av, pi\n\n"
        "class Config:\n"
        "    def ready(self):\n"
        "        import json\n"
        "        return json\n",
        encoding="utf-8",
    )

    assert unexplained_local_imports(module) == [
        "sample.py:4: from json import dumps",
        "sample.py:17: import json",
    ]
