"""The zero-setup demo on SQLite takes a burst of simultaneous bookings without a 5xx.

The demo's own settings, in its own processes: migrate and demo_data into a fresh SQLite file,
then gunicorn with two workers of four threads, and twenty volunteers press "Book" at once,
each for a different free slot.
"""

from __future__ import annotations

import datetime as dt
import http.cookiejar
import os
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from recruitment import eligibility
from tests.mail import free_port

VOLUNTEERS = 20
BORN = dt.date(1995, 5, 17)
BOOKED = "Thank you! Please check your email"


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    database = tmp_path / "db.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DEBUG": "1",
        "SECRET_KEY": settings.SECRET_KEY,  # the proof cookie is minted here, with the same key
        "REDIS_URL": settings.REDIS_URL,
        # Nothing listens here: queueing fails at once and the emails wait in the outbox,
        # instead of leaving tasks in the test broker for another test's worker.
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{free_port()}/0",
        "RATELIMIT_ENABLE": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    for command in (["migrate", "--noinput"], ["demo_data"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=settings.BASE_DIR,
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )
    port = free_port()
    log = tmp_path / "gunicorn.log"  # a file, not a pipe: a full pipe would stall the server
    with log.open("wb") as stderr:
        server = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "registry.wsgi",
                "--workers=2",
                "--threads=4",
                f"--bind=127.0.0.1:{port}",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base + "/en/", server)
        yield base, database
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def _wait_for(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert server.poll() is None, "gunicorn exited"
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    raise AssertionError("gunicorn did not answer")


def _free_slots(database: Path, count: int) -> list[tuple[str, int]]:
    tomorrow = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
    with sqlite3.connect(database) as db:
        rows = db.execute(
            "SELECT site.slug, slot.id FROM recruitment_slot AS slot"
            " JOIN recruitment_typingsite AS site ON site.id = slot.site_id"
            " WHERE slot.starts_at > ? AND NOT slot.closed AND slot.booked < slot.capacity"
            " AND site.active ORDER BY slot.starts_at, slot.id LIMIT ?",
            (tomorrow, count),
        ).fetchall()
    return [(slug, int(slot_id)) for slug, slot_id in rows]


def _scalar(database: Path, sql: str) -> int:
    with sqlite3.connect(database) as db:
        return int(db.execute(sql).fetchone()[0])


class Volunteer:
    """One browser: its own cookies, a passed eligibility check, one booking form."""

    def __init__(self, base: str, number: int, proof: str) -> None:
        self.base = base
        self.number = number
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.jar.set_cookie(_cookie("eligibility_proof", proof))
        self.url = ""
        self.status = 0
        self.page = ""

    def open_form(self, slug: str, slot_id: int) -> None:
        self.url = f"{self.base}/en/typing-sites/{slug}/book/{slot_id}/"
        self._send(urllib.request.Request(self.url))
        assert self.status == 200, self.page[:500]

    def book(self) -> None:
        csrf = next(c.value for c in self.jar if c.name == "csrftoken")
        n = self.number
        form = {
            "csrfmiddlewaretoken": csrf,
            "name": f"Volunteer {n}",
            "email": f"volunteer{n}@example.org",
            "phone": f"+7912000{1000 + n:04d}",
            "born": BORN.isoformat(),
            "born_day": str(BORN.day),
            "born_month": str(BORN.month),
            "born_year": str(BORN.year),
            "language": "en",
            "consent": "on",
            "request_key": str(uuid.uuid4()),
        }
        data = urllib.parse.urlencode(form).encode()
        self._send(urllib.request.Request(self.url, data=data, headers={"Referer": self.url}))

    def _send(self, request: urllib.request.Request) -> None:
        try:
            with self.opener.open(request, timeout=60) as response:
                self.status, self.page = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            self.status, self.page = error.code, error.read().decode(errors="replace")


def _cookie(name: str, value: str) -> http.cookiejar.Cookie:
    return http.cookiejar.Cookie(
        version=0,
        name=name,
        value=value,
        port=None,
        port_specified=False,
        domain="127.0.0.1",
        domain_specified=False,
        domain_initial_dot=False,
        path="/",
        path_specified=True,
        secure=False,
        expires=None,
        discard=True,
        comment=None,
        comment_url=None,
        rest={},
    )


def test_twenty_simultaneous_bookings_on_the_demo_all_get_an_answer(
    demo: tuple[str, Path],
) -> None:
    base, database = demo
    version = _scalar(database, "SELECT max(number) FROM recruitment_rulesversion")
    proof = eligibility.proof_issue(
        version=version, checked_on=dt.datetime.now(dt.UTC).date(), born_on=BORN
    )
    count_appointments = "SELECT count(*) FROM recruitment_appointment"
    before = _scalar(database, count_appointments)  # the demo's own fictional volunteers
    slots = _free_slots(database, VOLUNTEERS)
    assert len(slots) == VOLUNTEERS
    volunteers = [Volunteer(base, n, proof) for n in range(VOLUNTEERS)]
    for volunteer, (slug, slot_id) in zip(volunteers, slots, strict=True):
        volunteer.open_form(slug, slot_id)

    go = threading.Barrier(VOLUNTEERS)

    def press_book(volunteer: Volunteer) -> None:
        go.wait()
        volunteer.book()

    threads = [threading.Thread(target=press_book, args=(v,)) for v in volunteers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)

    statuses = sorted(v.status for v in volunteers)
    assert all(status < 500 for status in statuses), f"{statuses}: see {database.parent}"
    booked = sum(1 for v in volunteers if v.status == 200 and BOOKED in v.page)
    assert booked == _scalar(database, count_appointments) - before
    assert booked == VOLUNTEERS, statuses
