"""events/static/events/slug_from_name.js: the short name made from the event's name (run in node),
and the create page that loads it."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

SCRIPT = Path(__file__).resolve().parents[3] / "events" / "static" / "events" / "slug_from_name.js"
NAMES = ["Korea IT Expo 2027", "  Café — Déjà vu!  ", "한국 IT 박람회", "부산 Expo", "x" * 80 + " y"]


@pytest.mark.skipif(shutil.which("node") is None, reason="node runs the page's module outside a browser")
def test_slug_from_name_latin_accents_korean_and_length():
    code = (
        f"import {{ slugFromName }} from {json.dumps(SCRIPT.as_uri())};"
        f"console.log(JSON.stringify({json.dumps(NAMES)}.map(slugFromName)));"
    )
    done = subprocess.run(
        ["node", "--input-type=module", "-e", code], capture_output=True, text=True, timeout=30, check=True
    )

    assert json.loads(done.stdout) == ["korea-it-expo-2027", "cafe-deja-vu", "", "", "x" * 60]


@pytest.mark.django_db
def test_create_page_loads_the_script_and_the_hint_edit_page_does_not(client, event, owner):
    client.force_login(owner)

    create = client.get(reverse("organiser:event_create")).content.decode()
    edit = client.get(reverse("organiser:event_edit", args=["expo"])).content.decode()

    assert '<script type="module" src="/static/events/slug_from_name.js"></script>' in create
    assert '<p class="help" data-slug-hint hidden>This name has no Latin letters' in create
    assert "slug_from_name.js" not in edit
    assert "data-slug-hint" not in edit
