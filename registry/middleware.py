"""Middleware that looks at a request before anything else does.

`client_address` makes REMOTE_ADDR the visitor's own address behind the proxy, so rate limits
and /healthz judge the visitor, not the proxy. `refuse_bad_input` answers 400 to input that
would otherwise reach Django or PostgreSQL and come back as a 500.
"""

from __future__ import annotations

import codecs
import contextlib
import ipaddress
import logging
import urllib.parse
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError

from registry.views import bad_request

log = logging.getLogger(__name__)

Handler = Callable[[HttpRequest], HttpResponse]

# Every byte a form or a query string is made of must mean the same in the declared charset.
_ASCII = bytes(range(0x20, 0x7F)).decode("ascii")


def client_address(get_response: Handler) -> Handler:
    """Behind the proxy, X-Real-IP is the visitor. The proxy must overwrite the header, not
    append to it, or a visitor could choose their own address. Without a usable header the
    peer address stays: a request made on the host itself (a health probe) is local."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if settings.BEHIND_PROXY:
            forwarded = request.META.get("HTTP_X_REAL_IP", "").strip()
            with contextlib.suppress(ValueError):
                request.META["REMOTE_ADDR"] = str(ipaddress.ip_address(forwarded))
        if not request.META.get("REMOTE_ADDR"):
            # gunicorn on a Unix socket gives no peer address; rate limits need one. Such
            # requests share it (and are never taken for local).
            request.META["REMOTE_ADDR"] = "0.0.0.0"  # noqa: S104 - a key, not a bind address
        return get_response(request)

    return middleware


def refuse_bad_input(get_response: Handler) -> Handler:
    def middleware(request: HttpRequest) -> HttpResponse:
        problem = _problem(request)
        if problem is not None:
            # Not the path: it may hold a manage token, and tokens never reach the logs.
            log.warning("bad request refused: %s", problem)
            return bad_request(request)
        return get_response(request)

    return middleware


def _problem(request: HttpRequest) -> str | None:
    charset = request.content_params.get("charset") if request.content_params else None
    if charset is not None and not _readable(charset):
        return "charset"
    if (
        request.content_type == "application/x-www-form-urlencoded"
        and charset is not None
        and charset.lower() != "utf-8"
    ):
        # Django refuses this one itself, but its error page reads the form again and fails.
        return "charset"
    try:
        # Parsed here once, so a body Django cannot read is refused before its error path
        # (which reads the body again) can turn it into a 500.
        fields = [*request.GET.lists(), *request.POST.lists()]
        form = request.body if request.content_type == "application/x-www-form-urlencoded" else b""
    except (BadRequest, SuspiciousOperation, MultiPartParserError, UnreadablePostError):
        return "unreadable"
    # Django reads broken UTF-8 as replacement characters or Latin-1: a name would be stored
    # garbled. Nobody typing into a browser sends it.
    query = request.META.get("QUERY_STRING", "").encode("latin-1", errors="replace")
    if not (_utf8(query) and _utf8(form)):
        return "not UTF-8"
    # PostgreSQL refuses NUL in text: a filter, a form value or a session cookie holding one
    # would fail inside the database.
    if "\x00" in request.path or _has_nul(request.COOKIES.items()):
        return "NUL"
    if _has_nul((key, value) for key, values in fields for value in values):
        return "NUL"
    return None


def _readable(charset: str) -> bool:
    """A known text encoding that spells ASCII as ASCII (not UTF-16, UTF-7 or EBCDIC)."""
    try:
        codecs.lookup(charset)
        return _ASCII.encode(charset) == _ASCII.encode("ascii")
    except (LookupError, UnicodeError):
        return False


def _utf8(urlencoded: bytes) -> bool:
    try:
        urllib.parse.unquote_to_bytes(urlencoded).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _has_nul(pairs: Iterable[tuple[str, object]]) -> bool:
    return any(
        "\x00" in key or (isinstance(value, str) and "\x00" in value) for key, value in pairs
    )
