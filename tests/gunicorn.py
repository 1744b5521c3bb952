"""The site served by gunicorn with production settings, against the test database, for tests
and benchmarks that go through a real HTTP server (DEBUG=0, cached templates)."""

from __future__ import annotations

import datetime as dt
import http.cookiejar
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils import timezone

from recruitment.models import Appointment, Slot
from recruitment.services.eligibility import PROOF_COOKIE
from tests.factories import proof_for, reseed, typing_site
from tests.factories import slot as make_slot
from tests.mail import free_port


@dataclass
class Server:
    base_url: str


_collected = False


def _collectstatic(environment: dict[str, str]) -> None:
    """Production serves hashed static names from a manifest: build it once per run."""
    global _collected
    if not _collected:
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            env=environment,
            cwd=settings.BASE_DIR,
            check=True,
        )
        _collected = True


@contextmanager
def gunicorn(*, workers: int = 4, threads: int = 8, **env: str) -> Iterator[Server]:
    port = free_port()
    database = connection.settings_dict
    url = (
        f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )
    environment = {
        **os.environ,
        "DEBUG": "0",
        "HTTPS": "0",
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": url,
        "REDIS_URL": settings.REDIS_URL,
        "RATELIMIT_ENABLE": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
        **env,
    }
    _collectstatic(environment)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "registry.wsgi",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        env=environment,
        cwd=settings.BASE_DIR,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)
                break
            except urllib.error.HTTPError:
                break  # it answers (503 when a check fails): it is up
            except OSError:
                time.sleep(0.1)
        yield Server(base_url=base)
    finally:
        process.terminate()
        process.wait(timeout=20)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


class Browser:
    """One visitor: a cookie jar, a CSRF token from the page, no redirects followed."""

    def __init__(self, base_url: str, cookies: dict[str, str]) -> None:
        self.base_url = base_url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )
        self.extra = "; ".join(f"{k}={v}" for k, v in cookies.items())
        self.csrf = ""

    def _request(self, path: str, data: bytes | None = None) -> tuple[int, str]:
        request = urllib.request.Request(self.base_url + path, data=data)
        if self.extra:
            request.add_header("Cookie", self.extra)
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def get(self, path: str) -> tuple[int, str]:
        status, body = self._request(path)
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if found:
            self.csrf = found.group(1)
        csrf = next((c.value for c in self.jar if c.name == "csrftoken"), "")
        if csrf:
            self.extra = "; ".join(p for p in (self.extra, f"csrftoken={csrf}") if p)
        return status, body

    def post(self, path: str, form: dict[str, str]) -> tuple[int, str]:
        data = urllib.parse.urlencode({**form, "csrfmiddlewaretoken": self.csrf}).encode()
        return self._request(path, data)


def burst(
    browsers: list[Browser], path: str, forms: list[dict[str, str]]
) -> list[tuple[int, float]]:
    """Every browser posts its form at the same moment; (status, seconds) for each."""
    barrier = threading.Barrier(len(browsers))
    results: list[tuple[int, float]] = [(0, 0.0)] * len(browsers)

    def post(i: int) -> None:
        barrier.wait()
        started = time.perf_counter()
        status, _body = browsers[i].post(path, forms[i])
        results[i] = (status, time.perf_counter() - started)

    workers = [threading.Thread(target=post, args=(i,)) for i in range(len(browsers))]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return results


def form(i: int, **changes: str) -> dict[str, str]:
    return {
        "name": f"Volunteer {i}",
        "email": f"v{i}@example.org",
        "phone": f"+7912{i:07d}",
        "born": "1990-01-01",
        "language": "en",
        "consent": "on",
        "request_key": str(uuid.uuid4()),
        **changes,
    }


def race_for_the_last_place(clients: int, *, already_full: bool = False) -> dict[str, float]:
    """`clients` browsers post for one place at once. Asserts exactly one booking and a clean
    "taken" (409) for everyone else; returns how long the burst and the losers took."""
    reseed()
    site = typing_site(slug=f"race-{uuid.uuid4().hex[:8]}")
    slot = make_slot(site, timezone.now() + dt.timedelta(days=2), capacity=1)
    path = f"/en/typing-sites/{slot.site.slug}/book/{slot.pk}/"
    if already_full:  # the reference: the same burst with nothing left to race for
        Slot.objects.filter(pk=slot.pk).update(capacity=0)
    with gunicorn() as server:
        browsers = [
            Browser(server.base_url, {PROOF_COOKIE: proof_for(dt.date(1990, 1, 1))})
            for _ in range(clients)
        ]
        for browser in browsers:
            assert browser.get(path)[0] == 200
        results = burst(browsers, path, [form(i) for i in range(clients)])
    statuses = [status for status, _seconds in results]
    winners = 0 if already_full else 1
    assert statuses.count(302) == winners, statuses  # told to check their email
    assert statuses.count(409) == clients - winners, statuses  # everyone else: taken, cleanly
    assert Appointment.objects.filter(slot=slot).count() == winners
    assert Slot.objects.get(pk=slot.pk).booked == winners
    losers = sorted(seconds for status, seconds in results if status == 409)
    return {
        "burst_s": max(seconds for _status, seconds in results),
        "loser_median_s": statistics.median(losers),
        "loser_max_s": losers[-1],
    }
