from __future__ import annotations

import datetime as dt
import ipaddress
from typing import Any

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import (
    HttpRequest,
    HttpResponseBadRequest,
    HttpResponseNotFound,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from registry.tasks import HEARTBEAT_KEY, SWEEP_KEY, SWEEP_MISSING_KEY


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def _broker_ok() -> bool:
    # Both timeouts, so a Redis that accepts and never answers fails the check within a second.
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


def _sweep_ok(now: dt.datetime) -> tuple[bool, str | None]:
    """Whether the beat's outbox sweep (every 30 s) ran lately, and when it last did. With no
    sweep on record (a fresh start, a Redis emptied) the clock starts at the first check that
    notices, so a site that never runs beat fails after SWEEP_STALE_SECONDS too."""
    stale = dt.timedelta(seconds=settings.SWEEP_STALE_SECONDS)
    last = cache.get(SWEEP_KEY)
    if last is None:
        cache.add(SWEEP_MISSING_KEY, now.isoformat(), timeout=None)
        since = cache.get(SWEEP_MISSING_KEY)
        missing = dt.datetime.fromisoformat(since) if since else now
        return now - missing < stale, None
    return now - dt.datetime.fromisoformat(last) < stale, last


def _may_see_details(request: HttpRequest) -> bool:
    """Staff signed in with their second factor, or a probe on the host itself. Behind the
    proxy REMOTE_ADDR is the visitor's address (registry.middleware.client_address), so a
    public visitor is never local."""
    try:
        if ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback:
            return True
    except ValueError:
        pass
    try:
        user = request.user
        verified = getattr(user, "is_verified", lambda: False)()  # the second factor too
        return bool(user.is_active and getattr(user, "is_staff", False) and verified)
    except DatabaseError:  # a staff member's session lives in the database that may be down
        return False


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Anyone learns whether the site is ok; only staff and local probes learn what is down."""
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    last_sweep = None
    if checks["broker"]:  # (with Redis down, the broker check says it all)
        checks["outbox_sweep"], last_sweep = _sweep_ok(timezone.now())
    down = [name for name, ok in checks.items() if not ok]
    body: dict[str, Any] = {"status": "failing" if down else "ok"}
    if _may_see_details(request):
        body |= {
            "down": down,
            **{name: "ok" if ok else "down" for name, ok in checks.items()},
            "worker_last_seen": cache.get(HEARTBEAT_KEY) if checks["broker"] else None,
            "outbox_last_sweep": last_sweep,
        }
    return JsonResponse(body, status=503 if down else 200)


@require_safe
def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Browsers ask for /favicon.ico on pages that name no icon (the admin); resolved per
    request because the hashed static name exists only after collectstatic."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


def _error_page(template: str) -> str:
    """An error page rendered without the request (so without context processors).

    The request may be what went wrong (its body or session unreadable), and a page built from
    it would echo its address in the language switcher: a wrong, expired or used manage link
    must get exactly the same 404 as an unknown one (invariant 6).
    """
    context = {
        "contact_email": settings.REGISTRY_CONTACT_EMAIL,
        "contact_phone": settings.REGISTRY_CONTACT_PHONE,
    }
    return render_to_string(template, context)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponseBadRequest:
    """Django's 400 handler, and the answer to input registry.middleware refuses. That runs
    before LocaleMiddleware, so the language comes from the address here."""
    language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    with translation.override(language):
        return HttpResponseBadRequest(_error_page("400.html"))


def page_not_found(
    request: HttpRequest, exception: Exception | None = None
) -> HttpResponseNotFound:
    return HttpResponseNotFound(_error_page("404.html"))
