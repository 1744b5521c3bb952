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
ConditionalGetMiddleware adds turns an unchanged page into a 304. They are never stored
whole: their numbers are read on every request, and only the rendering of those numbers (the
day grid, the times, the site cards) is kept, in each process's memory ("fragments" in
settings.CACHES), under a name made of the numbers themselves, so new numbers are a new name.

Pages with forms, manage and offer links and staff pages keep `private, no-store`.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.gzip import GZipMiddleware
from django.template.response import SimpleTemplateResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.text import compress_string

View = Callable[..., HttpResponseBase]


@dataclass(frozen=True)
class _Stored:
    """A rendered public page as the site's cache keeps it, compressed once rather than on
    every request (it holds no secret, so BREACH padding is not needed)."""

    content: bytes
    gzipped: bytes
    content_type: str

    def response(self, request: HttpRequest, seconds: int) -> HttpResponse:
        gzip = _ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")) is not None
        response = HttpResponse(self.gzipped if gzip else self.content, self.content_type)
        if gzip:
            response["Content-Encoding"] = "gzip"
        patch_vary_headers(response, ["Accept-Encoding"])
        patch_cache_control(response, public=True, max_age=seconds)
        return response


_ACCEPTS_GZIP = re.compile(r"\bgzip\b")


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

    if seconds <= 0:
        return shareable

    @functools.wraps(view)
    def cached(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # The language is in the address, so the address is the whole key.
        key = "page:" + hashlib.sha256(request.get_full_path().encode()).hexdigest()
        stored = caches["default"].get(key)
        if not isinstance(stored, _Stored):
            response = view(request, *args, **kwargs)
            if isinstance(response, SimpleTemplateResponse):
                response.render()
            if (
                response.status_code != 200
                or response.cookies
                or response.has_header("Cache-Control")
                or not isinstance(response, HttpResponse)
            ):
                return response  # anything personal or unusual is not shared
            content = response.content
            stored = _Stored(content, compress_string(content), response["Content-Type"])
            caches["default"].set(key, stored, seconds)
        return stored.response(request, seconds)

    return cached


def live_page(view: View) -> View:
    """A page the same for everyone that shows live numbers: a shared cache may serve it for
    LIVE_PAGE_SECONDS, a browser asks again every time (and gets a 304 when nothing changed).
    A view that already set Cache-Control (say, private for a personal answer) keeps it."""

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

    return shareable


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
        if match is not None and "token" in match.kwargs:
            return response
        return super().process_response(request, response)
