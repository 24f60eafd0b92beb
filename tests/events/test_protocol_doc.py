"""Every push frame type and every error code the live socket can send is documented: in
docs/protocol-rtc.md for ``rtc.*``, in docs/protocol.md (or live video's protocol-rtc.md) for the
rest. The names are read from the code (its push calls, the errors raised on the socket's path),
never from a list kept here.

What the socket can send is found by reading the source: everything in events/live and media_rtc
(but their pages), every module that registers socket handlers, and, from those, the
functions they call in other modules (followed through their own calls to other modules' functions).
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

from events.live import pushes

ROOT = Path(__file__).resolve().parents[2]
APPS = ("events", "exhibits", "media_rtc")
WHOLE = (ROOT / "events" / "live", ROOT / "media_rtc")  # on the socket's path, but for their pages:
PAGES = ("views.py", "urls.py", "views", "forms.py", "admin.py", "templates")
# Recording is started from pages and prepared by a task, never on the socket (only its rtc.recording
# push is, from media_rtc/recording_rooms.py): followed only where the socket's code calls it.
PAGES += ("views_recording.py", "urls_recording.py", "tasks.py", "templatetags", "recordings.py")
# Conferences are created and sites invited from pages (their ConferenceError is a form's message);
# the socket reaches the conference service only through the functions its handlers call.
PAGES += ("views_conference.py", "conferences.py")
NAME = re.compile(r"^[a-z_]+(\.[a-z_]+)+$")  # "chat.message", "rtc.meeting.started"
DOC_PUSH = re.compile(r'<= \{"type": "([a-z_.]+)"')
DOC_CODE = re.compile(r"`([a-z_]+(?:\.[a-z_]+)+)`")


# --- Reading the source ---------------------------------------------------------------------


def _sources() -> list[Path]:
    return sorted(
        path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts and "tests" not in path.parts
    )


@cache
def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text())


def _module_file(dotted: str) -> Path | None:
    base = ROOT.joinpath(*dotted.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _dotted(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def _imports(path: Path) -> dict[str, tuple[Path, str | None]]:
    """Each name a module imports from the project: a module (name None) or a name in one."""
    package = _dotted(path) if path.name == "__init__.py" else _dotted(path).rpartition(".")[0]
    found: dict[str, tuple[Path, str | None]] = {}
    for node in ast.walk(_tree(path)):
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level:
            up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
            source = ".".join([*up, node.module] if node.module else up)
        else:
            source = node.module or ""
        if source.split(".")[0] not in APPS:
            continue
        for alias in node.names:
            as_module = _module_file(f"{source}.{alias.name}")
            if as_module is not None:
                found[alias.asname or alias.name] = (as_module, None)
            elif (module := _module_file(source)) is not None:
                found[alias.asname or alias.name] = (module, alias.name)
    return found


def _top_level(path: Path) -> dict[str, ast.AST]:
    return {
        node.name: node
        for node in _tree(path).body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    }


def _resolve(path: Path, expr: ast.AST) -> tuple[Path, str] | None:
    """Where a called name is defined: ``chat.post_message`` or ``ChatError`` -> (file, name)."""
    if isinstance(expr, ast.Name):
        if expr.id in _top_level(path):
            return path, expr.id
        imported = _imports(path).get(expr.id)
        if imported is not None and imported[1] is not None:
            return imported[0], imported[1]
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
        imported = _imports(path).get(expr.value.id)
        if imported is not None and imported[1] is None:
            return imported[0], expr.attr
    return None


def _class_code(path: Path, name: str, seen: frozenset = frozenset()) -> str | None:
    """The `code` a typed error class carries, its own or a base class's."""
    node = _top_level(path).get(name)
    if node is None:  # re-exported: follow the import
        imported = _imports(path).get(name)
        return _class_code(imported[0], imported[1]) if imported and imported[1] else None
    if not isinstance(node, ast.ClassDef) or (path, name) in seen:
        return None
    for statement in node.body:
        if (
            isinstance(statement, ast.Assign)
            and any(isinstance(target, ast.Name) and target.id == "code" for target in statement.targets)
            and isinstance(statement.value, ast.Constant)
        ):
            return statement.value.value
    for base in node.bases:
        where = _resolve(path, base)
        if where is not None:
            code = _class_code(*where, seen | {(path, name)})
            if code is not None:
                return code
    return None


def _literal(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and NAME.match(node.value):
        return node.value
    return None


def _codes_in(path: Path, body: ast.AST) -> set[str]:
    """Error codes a piece of code can send: `code="..."` given to an error, a typed error raised
    with its class's code, and the code handed to protocol.error()."""
    codes: set[str] = set()
    for node in ast.walk(body):
        if isinstance(node, ast.Raise) and node.exc is not None and not isinstance(node.exc, ast.Call):
            where = _resolve(path, node.exc)
            if where is not None and isinstance(_top_level(where[0]).get(where[1]), ast.ClassDef | None):
                codes.add(_class_code(*where) or "")
        if not isinstance(node, ast.Call):
            continue
        given = [_literal(keyword.value) for keyword in node.keywords if keyword.arg == "code"]
        codes.update(code for code in given if code)
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if name == "error" and len(node.args) >= 2 and _literal(node.args[1]):
            codes.add(_literal(node.args[1]))
        where = _resolve(path, node.func)
        if where is not None and not given and isinstance(_top_level(where[0]).get(where[1]), ast.ClassDef):
            codes.add(_class_code(*where) or "")
    return {code for code in codes if code}


def _calls_out(path: Path, body: ast.AST) -> set[tuple[Path, str]]:
    """The project functions a piece of code calls or hands on to be called
    (``database_sync_to_async(presenting.start)``), in its own module or another."""
    called = set()
    for node in ast.walk(body):
        if isinstance(node, ast.Name | ast.Attribute):
            where = _resolve(path, node)
            if where is not None and isinstance(
                _top_level(where[0]).get(where[1]), ast.FunctionDef | ast.AsyncFunctionDef
            ):
                called.add(where)
    return called


def _registers_handlers(path: Path) -> bool:
    return any(
        isinstance(node, ast.Attribute)
        and node.attr == "register"
        and isinstance(node.value, ast.Name)
        and node.value.id == "socket_handlers"
        for node in ast.walk(_tree(path))
    )


def _handler_modules() -> list[Path]:
    """Every module that registers live socket handlers (``socket_handlers.register(...)``)."""
    return [path for path in _sources() if _registers_handlers(path)]


@cache
def socket_side() -> tuple[tuple[Path, ast.AST], ...]:
    """Each piece of code on the socket's path: whole modules and the functions they reach."""
    whole = {
        path
        for path in _sources()
        if any(path.is_relative_to(root) for root in WHOLE) and not set(path.parts) & set(PAGES)
    }
    whole.update(_handler_modules())
    reached: set[tuple[Path, str]] = set()
    pending = [call for path in whole for call in _calls_out(path, _tree(path))]
    while pending:
        path, name = pending.pop()
        if path in whole or (path, name) in reached:
            continue
        reached.add((path, name))
        pending.extend(_calls_out(path, _top_level(path)[name]))
    return tuple(
        [(path, _tree(path)) for path in sorted(whole)]
        + [(path, _top_level(path)[name]) for path, name in sorted(reached)]
    )


def error_codes_in_code() -> set[str]:
    return {code for path, body in socket_side() for code in _codes_in(path, body)}


def _called_name(func: ast.AST) -> str:
    """The name of what is called: ``push_to_group``, ``self._push``, and through a wrapper,
    ``async_to_sync(push_to_group)(...)``."""
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Call) and func.args:
        return _called_name(func.args[0])
    return ""


def push_types_in_code(apps: tuple[str, ...] = APPS) -> tuple[set[str], set[str]]:
    """The frame types handed to a push function (push, push_to_group, push_message, a worker's
    _push...): the literal ones, and the patterns of those built from a place's kind."""
    literal, patterns = set(), set()
    for path in _sources():
        if path.relative_to(ROOT).parts[0] not in apps:
            continue
        for node in ast.walk(_tree(path)):
            if not isinstance(node, ast.Call):
                continue
            if "push" not in _called_name(node.func):
                continue
            for arg in node.args:
                if _literal(arg):
                    literal.add(_literal(arg))
                elif isinstance(arg, ast.JoinedStr):
                    parts = [
                        re.escape(part.value) if isinstance(part, ast.Constant) else "[a-z_]+"
                        for part in arg.values
                    ]
                    patterns.add("".join(parts))
    return literal, patterns


# --- Reading the documents ------------------------------------------------------------------


def _doc(name: str) -> str:
    return (ROOT / "docs" / name).read_text()


def _shown_in(name: str, shown: dict[str, set[str]]) -> bool:
    """``rtc.*`` belongs to live video's document; the rest to the protocol's, or to live video's
    when only its frames send it (auth.forbidden is in both)."""
    if name.startswith("rtc."):
        return name in shown["protocol-rtc.md"]
    return name in shown["protocol.md"] or name in shown["protocol-rtc.md"]


def undocumented_pushes(types: set[str], docs: dict[str, str]) -> list[str]:
    shown = {doc: set(DOC_PUSH.findall(text)) for doc, text in docs.items()}
    return sorted(name for name in types if not _shown_in(name, shown))


def undocumented_codes(codes: set[str], docs: dict[str, str]) -> list[str]:
    shown = {doc: set(DOC_CODE.findall(text)) for doc, text in docs.items()}
    return sorted(code for code in codes if not _shown_in(code, shown))


def _docs() -> dict[str, str]:
    return {name: _doc(name) for name in ("protocol.md", "protocol-rtc.md")}


# --- The tests ------------------------------------------------------------------------------


def test_the_scan_finds_pushes_and_codes_of_every_kind_of_sender():
    literal, patterns = push_types_in_code()
    codes = error_codes_in_code()
    # One of each way a name reaches the wire, so a scanner that went blind would fail here:
    found = (
        "chat.message" in literal,  # push_to_group(..., "chat.message", ...)
        "socket.closing" in literal,  # the consumer's own self.push
        "rtc.room.changed" in literal,  # a media worker's _push
        "meeting.reminder" in literal,  # async_to_sync(push_to_group)(...) from a Celery task
        "[a-z_]+\\.count" in patterns,  # f"{place.kind}.count" in the presence tick
        "chat.banned" in codes,  # ChatError(..., code="chat.banned"), reached through events.services.chat
        "frame.malformed" in codes,  # raise FrameError(...): the class's own code
        "auth.forbidden" in codes,  # raise NotAllowed(...), defined in events.errors
        "frame.rate_limited" in codes,  # protocol.error(id, "frame.rate_limited", ...)
        "rtc.bad_offer" in codes,  # media_rtc's typed errors
        "doc.no_such_page" in codes,  # exhibits' presenting service, called by its handlers
    )
    assert found == (True,) * len(found)


def test_the_scan_does_not_take_codes_only_pages_send():
    codes = error_codes_in_code()
    # Registration and sign-in errors never travel on the socket; chat's lifting of a sanction is
    # an organiser page's, though it lives beside the socket's chat functions.
    assert {"registration.full", "signin.expired", "chat.no_such_sanction"} & codes == set()


def test_every_push_type_in_the_code_is_documented():
    literal, _patterns = push_types_in_code()
    assert undocumented_pushes(literal | set(pushes.PUSH_SHAPES.keys()), _docs()) == []


def test_every_push_built_from_a_kind_is_declared_with_its_shape():
    _literal_types, patterns = push_types_in_code()
    declared = pushes.PUSH_SHAPES.keys()  # a registry: events' shapes and other apps'
    unmatched = [
        pattern for pattern in sorted(patterns) if not any(re.fullmatch(pattern, t) for t in declared)
    ]
    assert unmatched == []


def test_every_push_events_sends_has_a_declared_shape():
    literal, _patterns = push_types_in_code(("events",))
    assert sorted(literal - set(pushes.PUSH_SHAPES.keys())) == []


def test_every_error_code_the_socket_can_send_is_documented():
    assert undocumented_codes(error_codes_in_code(), _docs()) == []


def test_a_push_missing_from_the_document_is_reported_by_name():
    docs = _docs()
    docs["protocol.md"] = docs["protocol.md"].replace('<= {"type": "chat.deleted"', "<= (gone)")
    docs["protocol-rtc.md"] = docs["protocol-rtc.md"].replace('<= {"type": "rtc.worker_lost"', "(gone)")
    literal, _patterns = push_types_in_code()
    assert undocumented_pushes(literal, docs) == ["chat.deleted", "rtc.worker_lost"]


def test_a_code_missing_from_the_document_is_reported_by_name():
    docs = _docs()
    docs["protocol.md"] = docs["protocol.md"].replace("`chat.muted`", "muted")
    assert undocumented_codes(error_codes_in_code(), docs) == ["chat.muted"]
