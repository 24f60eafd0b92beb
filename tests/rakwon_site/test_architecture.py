"""The import rules of docs/architecture.md, read from the source with ast (nothing is imported).

Between apps, dependencies point one way: exhibits uses events, media_rtc uses both, events
uses neither (it finds their parts through its registries). Inside an app, the layers point one
way too: models know no services; services know no forms, exporters, views, API or tasks
(they queue work by the task's name, events/queue.py); only tasks modules import tasks.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = ("events", "exhibits", "media_rtc", "rakwon_site")
# Layers at the edge of an app, which its models and services must not know. The live socket's
# handlers and consumer are edge too; its groups and presence store are not (services push to
# a group and close a user's sockets through events.live.groups).
EDGE = {"interfaces", "views", "api", "tasks", "forms", "forms_assets"}


def is_edge(dotted: str) -> bool:
    parts = dotted.split(".")
    if len(parts) > 1 and parts[1] in EDGE:
        return True
    return any(part == "consumer" or part.endswith("handlers") for part in parts[1:])


@dataclass(frozen=True)
class Import:
    source: str  # the importing module, e.g. "events.services.team"
    target: str  # the imported module or name, absolute, e.g. "events.queue.enqueue_after_commit"
    where: str  # "events/services/team.py:12"

    @property
    def source_app(self) -> str:
        return self.source.split(".")[0]

    @property
    def target_app(self) -> str:
        return self.target.split(".")[0]

    def layer_of(self, dotted: str) -> str:
        """The layer a module is in: its first part inside the app ("services", "models", …)."""
        parts = dotted.split(".")
        return parts[1] if len(parts) > 1 else ""

    def __str__(self) -> str:
        return f"{self.where}: {self.source} imports {self.target}"


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, root: Path) -> list[Import]:
    source = module_name(path, root)
    package = source if path.name == "__init__.py" else source.rpartition(".")[0]
    where = str(path.relative_to(root))
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=where)):
        if isinstance(node, ast.Import):
            found += [Import(source, alias.name, f"{where}:{node.lineno}") for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            at = f"{where}:{node.lineno}"
            found.append(Import(source, module, at))
            found += [Import(source, f"{module}.{alias.name}", at) for alias in node.names]
    return found


def all_imports(root: Path = ROOT, apps: tuple[str, ...] = APPS) -> list[Import]:
    return [
        each
        for app in apps
        for path in sorted((root / app).rglob("*.py"))
        if "migrations" not in path.parts
        for each in imports_of(path, root)
    ]


def app_crossings(imports: list[Import]) -> list[str]:
    """Imports against the direction between apps."""
    refused = {"events": {"exhibits", "media_rtc"}, "exhibits": {"media_rtc"}}
    return [str(each) for each in imports if each.target_app in refused.get(each.source_app, set())]


def layer_crossings(imports: list[Import]) -> list[str]:
    """Models or services that import the edge of an app, and tasks imported outside tasks."""
    bad = []
    for each in imports:
        if each.target_app not in APPS or each.target_app == "rakwon_site":
            continue
        source_layer, target_layer = each.layer_of(each.source), each.layer_of(each.target)
        knows_the_edge = source_layer in ("models", "services") and is_edge(each.target)
        imports_a_task = target_layer == "tasks" and source_layer != "tasks"
        if knows_the_edge or imports_a_task:
            bad.append(str(each))
    return bad


@pytest.fixture(scope="module")
def imports() -> list[Import]:
    return all_imports()


def test_events_imports_neither_exhibits_nor_media_rtc_and_exhibits_not_media_rtc(imports):
    assert app_crossings(imports) == []


def test_models_and_services_do_not_import_the_edge_and_only_tasks_import_tasks(imports):
    assert layer_crossings(imports) == []


def test_the_rules_find_a_crossing(tmp_path):
    for package in ("events/services", "events/models", "exhibits"):
        (tmp_path / package).mkdir(parents=True, exist_ok=True)
        (tmp_path / package / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "events/services/team.py").write_text(
        "from exhibits.models import Booth\nfrom ..tasks import send_team_invitation\n"
        "from ..interfaces.attendee_export import export_attendees_csv\nfrom ..models import Event\n",
        encoding="utf-8",
    )
    (tmp_path / "events/models/event.py").write_text(
        "from ..views.public import home\nfrom ..live.groups import push_to_group\n", encoding="utf-8"
    )
    (tmp_path / "exhibits/services").mkdir()
    (tmp_path / "exhibits/services/booths.py").write_text(
        "from events.live.chat_handlers import send\n", encoding="utf-8"
    )
    (tmp_path / "exhibits/plan.py").write_text("from events.models import Event\n", encoding="utf-8")

    found = all_imports(tmp_path, ("events", "exhibits"))

    assert app_crossings(found) == [
        "events/services/team.py:1: events.services.team imports exhibits.models",
        "events/services/team.py:1: events.services.team imports exhibits.models.Booth",
    ]
    assert layer_crossings(found) == [
        "events/models/event.py:1: events.models.event imports events.views.public",
        "events/models/event.py:1: events.models.event imports events.views.public.home",
        "events/services/team.py:2: events.services.team imports events.tasks",
        "events/services/team.py:2: events.services.team imports events.tasks.send_team_invitation",
        "events/services/team.py:3: events.services.team imports events.interfaces.attendee_export",
        "events/services/team.py:3: events.services.team imports "
        "events.interfaces.attendee_export.export_attendees_csv",
        "exhibits/services/booths.py:1: exhibits.services.booths imports events.live.chat_handlers",
        "exhibits/services/booths.py:1: exhibits.services.booths imports events.live.chat_handlers.send",
    ]


def test_architecture_doc_names_every_registry_of_events():
    doc = (ROOT / "docs/architecture.md").read_text(encoding="utf-8")
    tree = ast.parse((ROOT / "events/registry.py").read_text(encoding="utf-8"))
    registries = sorted(
        target.id
        for node in tree.body
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Call)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name) and getattr(node.value.func, "id", "").endswith("Registry")
    )

    assert len(registries) >= 10
    assert [name for name in registries if f"`{name}`" not in doc] == []


def test_architecture_doc_names_only_paths_that_exist():
    doc = (ROOT / "docs/architecture.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`((?:events|exhibits|media_rtc|rakwon_site|tests|docs)/[\w/.*-]+)`", doc))

    assert named, "the doc names no paths: the pattern is wrong"
    assert sorted(path for path in named if not any(ROOT.glob(path.rstrip("/")))) == []
