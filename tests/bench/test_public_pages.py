"""Public pages against the budgets in DESIGN.md, reported as ratios measured in one run.

Run with `make bench`. Throughput is compared with a bare Django view served the same way
(same process, same middleware, Django's test client), so machine noise mostly cancels out.
"""

from __future__ import annotations

import gzip
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from recruitment.models import Entry

pytestmark = [pytest.mark.bench, pytest.mark.django_db]

PAGES = [
    "/ru/",
    "/ru/how-to-join/",
    "/ru/how-donation-works/",
    "/ru/about-transplants/",
    "/ru/myths-and-questions/",
    "/ru/privacy/",
    "/ru/eligibility/",
]
ROUNDS = 300


def _rate(client: Client, path: str) -> float:
    for _ in range(20):
        client.get(path)
    started = time.perf_counter()
    for _ in range(ROUNDS):
        assert client.get(path).status_code == 200
    return ROUNDS / (time.perf_counter() - started)


@pytest.fixture
def bench_client(settings) -> Client:
    settings.ROOT_URLCONF = "tests.bench.urls"
    settings.RATELIMIT_ENABLE = False
    return Client()


def test_throughput_of_public_pages_relative_to_a_bare_view(bench_client: Client) -> None:
    bare = _rate(bench_client, "/bare/")
    print(f"\nbare Django view: {bare:,.0f} requests/s (through the full middleware stack)")
    for path in PAGES:
        rate = _rate(bench_client, path)
        print(f"{path:32} {rate:8,.0f} requests/s   {bare / rate:5.1f}× slower than bare")


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_queries_per_page_stay_constant_as_the_data_grows(bench_client: Client) -> None:
    small = {path: _queries(bench_client, path) for path in PAGES}
    Entry.objects.bulk_create(
        Entry(
            kind="question",
            question_en=f"Q{i}?",
            question_ru=f"В{i}?",
            answer_en="A.",
            answer_ru="О.",
            order=i,
        )
        for i in range(1000)
    )
    large = {path: _queries(bench_client, path) for path in PAGES}
    for path in PAGES:
        print(f"{path:32} {small[path]} queries; with 1,000 more entries: {large[path]}")
    assert small == large
    assert max(large.values()) <= 5


def test_first_page_load_weighs_under_60_kb_compressed(bench_client: Client) -> None:
    html = bench_client.get("/ru/").content
    static = Path(settings.BASE_DIR) / "static"
    import django_htmx

    htmx = Path(django_htmx.__file__).parent / "static" / "django_htmx" / "htmx-2.min.js"
    parts = {
        "html": html,
        "css": (static / "css" / "site.css").read_bytes(),
        "js": (static / "js" / "site.js").read_bytes() + htmx.read_bytes(),
        "images": (static / "img" / "logo.svg").read_bytes(),
    }
    sizes = {name: len(gzip.compress(body, 9)) for name, body in parts.items()}
    total = sum(sizes.values())
    print(
        "\nfirst load, gzip: "
        + ", ".join(f"{k} {v / 1024:.1f} KB" for k, v in sizes.items())
        + f"; total {total / 1024:.1f} KB of a 60 KB budget"
    )
    assert total <= 60 * 1024
