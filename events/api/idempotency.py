"""`Idempotency-Key` on writes: the same key with the same request gets the first answer again
(nothing is done twice); the same key with another request is 422. Keys live per token for
API_IDEMPOTENCY_DAYS."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import IdempotentAnswer

HEADER = "Idempotency-Key"


def _request_hash(request) -> str:
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.path.encode(), request.body):
        digest.update(part)
        digest.update(b"\0")
    return digest.hexdigest()


def idempotent(view):
    """Wrap a write view that answers with an HttpResponse."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        key = request.headers.get(HEADER, "").strip()
        if not key:
            return view(request, *args, **kwargs)
        if len(key) > 100:
            return JsonResponse({"detail": _("An Idempotency-Key is at most 100 characters.")}, status=400)
        token = request.auth
        request_hash = _request_hash(request)
        kept_since = timezone.now() - dt.timedelta(days=settings.API_IDEMPOTENCY_DAYS)
        IdempotentAnswer.objects.filter(token=token, created_at__lt=kept_since).delete()
        first = IdempotentAnswer.objects.filter(token=token, key=key).first()
        if first is not None:
            if first.request_hash != request_hash:
                return JsonResponse(
                    {
                        "detail": _(
                            "This Idempotency-Key was used for another request. "
                            "Use a new key for a new request."
                        )
                    },
                    status=422,
                )
            replay = HttpResponse(first.body, status=first.status_code, content_type="application/json")
            replay["Idempotent-Replayed"] = "true"
            return replay
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponse) and response.status_code < 500:
            try:
                with transaction.atomic():
                    IdempotentAnswer.objects.create(
                        token=token,
                        key=key,
                        request_hash=request_hash,
                        status_code=response.status_code,
                        body=response.content.decode(),
                    )
            except IntegrityError:
                pass  # a twin request stored its answer first
        return response

    return wrapper
