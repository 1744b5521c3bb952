"""Who may keep a copy of a page: the browser, a caching proxy in front of the site, and the
site's own cache in Redis.

A recruitment appeal on television sends tens of thousands of people to the home page within
minutes. Pages that are the same for everyone and post nothing (the home page, the education
pages, the myths) set no cookie, so they can be shared: they say `Cache-Control: public` for a
few minutes, and the site itself renders each of them once per address and per few minutes
into Redis (keyed by the full address, compressed once). Redis being down only means
rendering every time (registry.cache forgives).

Pages that show live free places (the site list, a site page) may be kept by a shared cache
for a few seconds only (`s-maxage`) and the browser asks again each time (`max-age=0`), so a
person who has just booked or cancelled sees the new count; the ETag that
ConditionalGetMiddleware adds turns an unchanged page into a 304. The site keeps each such
page in Redis under the versions of the data it shows (`versions_bump` names new ones when a
booking, a cancellation or staff change that data, once the change is committed), so a change
is seen on the next request, and for at most RENDER_CACHE_SECONDS, which bounds what the
passing of time changes (a time that has begun, a new day). A Redis that lost a bump while it
was away costs at most that long.

The checker's first page is kept the same way with a placeholder where the CSRF token goes:
each visitor's own token is filled in when it is sent.

Pages with forms, manage and offer links and staff pages keep `private, no-store`.
"""

from __future__ import annotations

import functools
import hashlib
import re
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from hashlib import md5
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.csrf import get_token
from django.middleware.gzip import GZipMiddleware
from django.template.response import SimpleTemplateResponse, TemplateResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import quote_etag
from django.utils.text import compress_string

View = Callable[..., HttpResponseBase]
# The data a page shows, by the names of its versions; None when this request's page is the
# visitor's own and no one else may be given it.
Names = Callable[..., Iterable[str] | None]

# Where a kept rendering of a page with a form has its CSRF token: filled in per request.
_PLACEHOLDER = "csrf-token-of-this-request"
_HEADERS_KEPT = ("Content-Type", "Cache-Control", "Expires", "Vary")
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")


@dataclass(frozen=True)
class _Stored:
    """A rendered page as the site's cache keeps it. A page without a token is compressed once
    rather than on every request (it holds no secret, so BREACH padding is not needed)."""

    content: bytes
    gzipped: bytes | None  # None: a page with a form, its token filled in on the way out
    headers: tuple[tuple[str, str], ...]
    made: float  # time.time() when rendered

    @functools.cached_property
    def etags(self) -> tuple[str, str]:
        """ETags of the plain and the compressed page, worked out once per process."""
        plain, packed = (
            quote_etag(md5(content, usedforsecurity=False).hexdigest())
            for content in (self.content, self.gzipped or b"")
        )
        return plain, packed

    def response(self, request: HttpRequest) -> HttpResponse:
        if self.gzipped is None:
            # get_token also has CsrfViewMiddleware set the cookie, as rendering would.
            content = self.content.replace(_PLACEHOLDER.encode(), get_token(request).encode())
            response = HttpResponse(content)
        elif _ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")):
            response = HttpResponse(self.gzipped)
            response["Content-Encoding"] = "gzip"
            response["ETag"] = self.etags[1]
        else:
            response = HttpResponse(self.content)
            response["ETag"] = self.etags[0]
        for name, value in self.headers:
            response[name] = value
        if self.gzipped is not None:
            patch_vary_headers(response, ["Accept-Encoding"])
        return response


def _version_key(name: str) -> str:
    return "version:" + name


def versions_read(*names: str) -> tuple[str | None, ...]:
    """The current versions of these data; one is named on first use. None while Redis is
    away."""
    cache = caches["default"]
    found = cache.get_many([_version_key(n) for n in names])
    for name in names:
        key = _version_key(name)
        if key not in found:
            fresh = uuid.uuid4().hex
            found[key] = fresh if cache.add(key, fresh, None) else cache.get(key)
    return tuple(found.get(_version_key(n)) for n in names)


def versions_bump(*names: str) -> None:
    """Name new versions of these data, at once and again when the current transaction
    commits: the first lets this request's own next read see the change, the second keeps a
    page rendered meanwhile from data not yet committed from being kept under the new name."""

    def bump() -> None:
        caches["default"].set_many({_version_key(n): uuid.uuid4().hex for n in names}, None)

    bump()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(bump)


# Renderings of pages whose set of addresses is fixed (`kept(address_only=True)`), also in this
# process's memory: key → (until when, by time.time(), the rendering).
_memory: dict[str, tuple[float, _Stored]] = {}


def memory_clear() -> None:
    """Forget what this process keeps in its memory (for tests that start afresh)."""
    _memory.clear()


def _key(request: HttpRequest, shown: list[str], address_only: bool) -> str:
    found = caches["default"].get_many([_version_key(n) for n in shown]) if shown else {}
    parts = [
        request.path if address_only else request.get_full_path(),
        request.headers.get("HX-Request", ""),
        timezone.localdate().isoformat(),
        *(f"{n}={found.get(_version_key(n), 0)}" for n in shown),
    ]
    # The shape of _Stored is part of the name: a release that changes it never reads an
    # older release's renderings.
    return f"page{len(fields(_Stored))}:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


def _render(view: View, request: HttpRequest, form: bool, *args: Any, **kwargs: Any) -> Any:
    """The view's answer, rendered; a form's token left as a placeholder."""
    response = view(request, *args, **kwargs)
    if form and isinstance(response, TemplateResponse):
        # In the view's context, it overrides the token Django's context would add.
        response.context_data = {**(response.context_data or {}), "csrf_token": _PLACEHOLDER}
    if isinstance(response, SimpleTemplateResponse):
        response.render()
    return response


def _storable(response: Any, form: bool) -> bool:
    return (
        isinstance(response, HttpResponse)
        and response.status_code == 200
        and not response.cookies
        and (form or "private" not in response.get("Cache-Control", ""))
    )


def kept(
    names: Names, *, seconds: Callable[[], int], form: bool = False, address_only: bool = False
) -> Callable[[View], View]:
    """Keep the view's GET answers in the site's cache for `seconds()`, under the address, the
    day, htmx or not, and the versions of the data `names(request, …)` gives. A page with a
    `form` is kept with a placeholder for the CSRF token. A view that sets a cookie or answers
    with anything but 200 is not kept (nor is anything personal: `names` then says None).

    `address_only`: the page reads nothing from the query string, so `?utm_source=…` and
    cache-busting parameters share one rendering; the set of such addresses is fixed, so each
    process also keeps them in its memory and answers without asking Redis."""

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def cached(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            period = seconds()
            shown = names(request, *args, **kwargs) if request.method in ("GET", "HEAD") else None
            if period <= 0 or shown is None:
                return view(request, *args, **kwargs)
            key = _key(request, list(shown), address_only)
            now = time.time()
            if address_only and _memory.get(key, (0.0, None))[0] > now:
                return _memory[key][1].response(request)
            stored = caches["default"].get(key)
            if not isinstance(stored, _Stored):
                response = _render(view, request, form, *args, **kwargs)
                if not _storable(response, form):
                    if form and isinstance(response, HttpResponse):
                        token = get_token(request).encode()
                        response.content = response.content.replace(_PLACEHOLDER.encode(), token)
                    return response
                content = response.content
                stored = _Stored(
                    content,
                    None if form else compress_string(content),
                    tuple((h, response[h]) for h in _HEADERS_KEPT if response.has_header(h)),
                    now,
                )
                caches["default"].set(key, stored, period)
            if address_only:
                _memory[key] = (stored.made + period, stored)
            return stored.response(request)

        return cached

    return decorator


def public_page(view: View) -> View:
    """A page the same for everyone that changes only when staff edit content: kept by
    browsers and proxies for PUBLIC_PAGE_SECONDS, and rendered once per address for that long
    into the site's cache (one Redis read answers every later request). The setting is read
    when the view module is imported; 0 renders every request."""
    seconds = settings.PUBLIC_PAGE_SECONDS

    @functools.wraps(view)
    def shareable(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, public=True, max_age=seconds)
        return response

    return kept(lambda *args, **kwargs: (), seconds=lambda: seconds, address_only=True)(shareable)


def live_page(names: Names) -> Callable[[View], View]:
    """A page the same for everyone that shows live numbers: a shared cache may serve it for
    LIVE_PAGE_SECONDS, a browser asks again every time (and gets a 304 when nothing changed),
    and the site keeps its rendering under the versions of the data `names` gives (see the
    module's notes). A view that already set Cache-Control (say, private for a personal answer)
    keeps it."""

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def shareable(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            response = view(request, *args, **kwargs)
            if not response.has_header("Cache-Control"):
                patch_cache_control(
                    response, public=True, max_age=0, s_maxage=settings.LIVE_PAGE_SECONDS
                )
            # htmx asks for a part of the page at the same address.
            patch_vary_headers(response, ["HX-Request"])
            return response

        return kept(names, seconds=lambda: settings.RENDER_CACHE_SECONDS)(shareable)

    return decorator


class GZipExceptSecretsMiddleware(GZipMiddleware):
    """Compress HTML, except on pages whose address carries a manage or offer token.

    BREACH recovers a secret from a compressed page by reflecting guesses into it and watching
    the size. Django's GZipMiddleware pads each response with random bytes, which slows that
    down; a page that carries a working token (in its links and form actions) is not worth the
    risk for a few kilobytes, so it goes out uncompressed. CSRF tokens are masked afresh in
    every response and need no exception."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        match = request.resolver_match
        if match is not None and {"token", "value"} & match.kwargs.keys():
            return response
        return super().process_response(request, response)
