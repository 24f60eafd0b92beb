"""Processing progress of files as JSON, for rakwon/asset_progress.js: the same answer for a
booth's files (booth editor) and a main-stage session's documents (organisers). The caller has
already checked that the user may change the owner; `owned` holds only that owner's files."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse

from ..models import BoothAsset

MOST_WATCHED = 100  # ids read from one request: a page never watches more files than its owner holds


def watched_ids(request: HttpRequest) -> list[int]:
    """?ids=3,4: the files the page is watching (anything else in the list is ignored)."""
    return [int(part) for part in request.GET.get("ids", "").split(",") if part.strip().isdigit()][
        :MOST_WATCHED
    ]


def processing_progress(
    request: HttpRequest, owned: QuerySet[BoothAsset], *, render_entry: Callable[[BoothAsset], str]
) -> JsonResponse:
    """Each watched file's state and percent; a file that has finished (ready or failed) comes with
    its list entry rendered again (`render_entry`), to replace the old one; ids the owner no longer
    holds (removed, or never its own) are named in "removed", so the page stops watching them."""
    ids = watched_ids(request)
    assets = list(owned.filter(pk__in=ids))
    found = []
    for asset in assets:
        entry = {
            "id": asset.pk,
            "status": asset.status,
            "status_label": asset.get_status_display(),
            "percent": asset.progress,
            "settled": asset.is_settled,
        }
        if asset.is_settled:
            entry["html"] = render_entry(asset)
        found.append(entry)
    missing = sorted(set(ids) - {asset.pk for asset in assets})
    response = JsonResponse({"assets": found, "removed": missing})
    response["Cache-Control"] = "no-store"
    return response
