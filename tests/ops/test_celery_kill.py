"""A Celery worker killed (kill -9) in the middle of a task: the task is neither lost nor done twice.

The task is real work: rendering a 60-page PDF into page images. The worker dies while it renders;
a second worker picks the task up once Redis gives up on the first (TASK_REDELIVERY_SECONDS) and
finishes it; the document ends with exactly 60 pages, each stored once.
"""

from __future__ import annotations

import re
import sqlite3

from .conftest import pytestmark, wait_until  # noqa: F401  (skips without REDIS_URL)

PAGES = 60
REDELIVERY_SECONDS = "6"

ENQUEUE = f"""
import json
from django.core.files.base import ContentFile
from exhibits.models import BoothAsset
from exhibits.models.assets import AssetStatus
from exhibits.tasks import process_booth_asset
from tests.asset_factories import BoothAssetFactory, pdf_bytes
asset = BoothAssetFactory(
    status=AssetStatus.QUEUED, progress=0, page_count=0, thumbnail="",
    original=ContentFile(pdf_bytes({PAGES}), name="catalogue.pdf"),
)
process_booth_asset.delay(asset.pk)
print(json.dumps({{"asset": asset.pk, "assets": BoothAsset._meta.db_table,
                   "pages": asset.pages.model._meta.db_table}}))
"""


class Database:
    """Reads the site's database directly: polling through manage.py would be too slow to catch
    the worker mid-task."""

    def __init__(self, url: str) -> None:
        self.url = url

    def rows(self, query: str, *params) -> list[tuple]:
        if self.url.startswith("sqlite:///"):
            with sqlite3.connect(self.url.removeprefix("sqlite:///"), timeout=10) as connection:
                return connection.execute(query.replace("%s", "?"), params).fetchall()
        import psycopg

        with psycopg.connect(self.url) as connection:
            return connection.execute(query, params).fetchall()


def test_worker_killed_mid_task_leaves_it_to_the_next_worker_which_does_it_once(site_factory):
    site = site_factory(redis_database=10, name="kill", TASK_REDELIVERY_SECONDS=REDELIVERY_SECONDS)
    database = Database(site.env["DATABASE_URL"])
    made = site.shell_json(ENQUEUE)
    asset_query = f"SELECT status, progress FROM {made['assets']} WHERE id = %s"  # noqa: S608
    pages_query = f"SELECT number FROM {made['pages']} WHERE asset_id = %s ORDER BY number"  # noqa: S608

    site.start_worker("first")

    def rendering() -> bool:
        status, progress = database.rows(asset_query, made["asset"])[0]
        return status == "processing" and progress >= 5

    wait_until(rendering, 60, "the first worker rendering the PDF", every=0.05)
    site.kill("first")
    status, progress = database.rows(asset_query, made["asset"])[0]
    assert status == "processing" and progress < 100, "the worker finished before it was killed"
    assert database.rows(pages_query, made["asset"]) == []

    site.start_worker("second")
    wait_until(
        lambda: database.rows(asset_query, made["asset"])[0][0] in ("ready", "failed"),
        90,
        "the second worker finishing the redelivered task",
    )
    assert database.rows(asset_query, made["asset"])[0] == ("ready", 100)
    assert [number for (number,) in database.rows(pages_query, made["asset"])] == list(range(1, PAGES + 1))
    # Each page image once on disk: the killed run stored nothing, the finished run one set.
    images = [
        path
        for path in (site.var_dir / "media").rglob("*")
        if path.is_file() and path.name.startswith("page-")
    ]
    assert len(images) == PAGES, sorted(path.name for path in images)[:5]

    # Done exactly once: one success in the logs, and nothing left queued or unacknowledged.
    wait_until(lambda: "succeeded" in site.log("second"), 10, "the success line in the log")
    task_line = re.compile(r"Task exhibits\.tasks\.process_booth_asset\[[0-9a-f-]+\] succeeded")
    assert len(task_line.findall(site.log("first"))) == 0
    assert len(task_line.findall(site.log("second"))) == 1
    import redis

    broker = redis.Redis.from_url(site.env["REDIS_URL"])
    assert (broker.llen("celery"), broker.hlen("unacked")) == (0, 0)
