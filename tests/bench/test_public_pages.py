"""Public pages against the budgets in DESIGN.md and issue 7, as ratios measured in one run.

Run with `make bench`. Every page is served by gunicorn with production settings (DEBUG=0, the
cached template loader, PostgreSQL, Redis; 4 workers × 4 threads) and loaded with `wrk`, as a
browser asks for it (gzip accepted). The yardstick is a bare Django view that renders one
small template through the same server, middleware and settings, measured in the same run
(before and after the pages, averaged), so the machine's noise mostly cancels out.

Printed, not asserted (the machine is noisy), except what must hold on any machine: queries
per page stay constant and few, and the first load stays under its 60 KB budget.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import urllib.parse
import urllib.request
from collections.abc import Iterable

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone

from recruitment.models import Entry, OpeningPattern
from recruitment.services.eligibility import PROOF_COOKIE
from recruitment.services.sites import slots_generate
from registry.http_cache import memory_clear
from tests.factories import BORN, proof_for, reseed, typing_site
from tests.gunicorn import gunicorn

pytestmark = [pytest.mark.bench, pytest.mark.django_db(transaction=True)]

EDUCATION = [
    "/ru/",
    "/ru/how-to-join/",
    "/ru/how-donation-works/",
    "/ru/about-transplants/",
    "/ru/privacy/",
    "/ru/myths-and-questions/",
]


def _dynamic(site: str) -> list[str]:
    return [
        "/ru/eligibility/",
        "/ru/typing-sites/",
        "/ru/typing-sites/?city=Москва",
        f"/ru/typing-sites/{site}/",
    ]


def _target(path: str) -> float:
    return 0.60 if path in EDUCATION else 0.25


SECONDS = 4
# Production settings as the README gives them (persistent database connections), with the
# bare view's URL added.
SERVER = {"DJANGO_SETTINGS_MODULE": "tests.bench.settings", "DATABASE_CONN_MAX_AGE": "60"}


def _sites(numbers: Iterable[int]) -> None:
    """Sites in Moscow (lab-00, lab-01, …), open every weekday morning, with eight weeks of
    slots as the hourly task makes them."""
    sites = [typing_site(slug=f"lab-{i:02d}") for i in numbers]
    OpeningPattern.objects.bulk_create(
        OpeningPattern(site=site, weekday=day, opens=dt.time(8), closes=dt.time(12), places=2)
        for site in sites
        for day in range(5)
    )
    slots_generate(now=timezone.now())


def _wrk(url: str, cookie: str = "") -> float:
    """Requests per second, 16 connections for SECONDS seconds, gzip accepted like a browser."""
    wrk = shutil.which("wrk")
    if wrk is None:
        pytest.skip("wrk is missing: `apt-get install wrk` (tests/provision.sh --bench does it)")
    out = subprocess.run(
        [
            wrk,
            *("-t2", "-c16", f"-d{SECONDS}s", "-H", "Accept-Encoding: gzip"),
            *(("-H", f"Cookie: {cookie}") if cookie else ()),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    assert errors is None, out
    found = re.search(r"Requests/sec:\s+([\d.]+)", out)
    assert found, out
    return float(found.group(1))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def _ratios(
    base_url: str, paths: Iterable[str], cookie: str = "", bare_path: str = "/bare/"
) -> tuple[float, dict[str, float]]:
    opener = urllib.request.build_opener(_NoRedirect())
    for path in (bare_path, *paths):  # warm each worker's templates and connections
        for _ in range(8):
            request = urllib.request.Request(base_url + urllib.parse.quote(path, safe="/?=&"))
            request.add_header("Cookie", cookie)
            with opener.open(request) as response:  # a redirect (say, to sign in) fails here
                assert response.status == 200, (path, response.status)
    before = _wrk(base_url + "/bare/")
    rates = {path: _wrk(base_url + urllib.parse.quote(path, safe="/?=&"), cookie) for path in paths}
    bare = (before + _wrk(base_url + "/bare/")) / 2
    return bare, rates


def _report(title: str, bare: float, rates: dict[str, float], judged: bool = True) -> None:
    """Each page's rate as a share of the bare view's; `judged` against its target, or shown
    for comparison only (a run with a cache switched off)."""
    print(f"\n{title}: bare view {bare:,.0f} requests/s")
    for path, rate in rates.items():
        ratio = rate / bare
        mark = "meets" if ratio >= _target(path) else "BELOW"
        verdict = f"({mark} the {_target(path):.0%} target)" if judged else "(for comparison)"
        print(f"  {path:34} {rate:7,.0f}/s  {ratio:6.0%} of bare  {verdict}")


def test_throughput_of_public_pages_relative_to_a_bare_view() -> None:
    reseed()
    _sites(range(3))
    with gunicorn(workers=4, threads=4, **SERVER) as server:
        bare, rates = _ratios(server.base_url, [*EDUCATION, *_dynamic("lab-01")])
    _report("3 sites, as served (education pages from the page cache)", bare, rates)
    with gunicorn(workers=4, threads=4, PUBLIC_PAGE_SECONDS="0", **SERVER) as server:
        bare, rates = _ratios(server.base_url, EDUCATION)
    _report("page cache off (PUBLIC_PAGE_SECONDS=0): every request rendered", bare, rates, False)
    # Most visitors of the site pages have passed the check: their proof is read on every
    # request (is it someone coming of age, with days of their own?).
    proof = f"{PROOF_COOKIE}={proof_for(BORN)}"
    with gunicorn(workers=4, threads=4, **SERVER) as server:
        bare, rates = _ratios(server.base_url, _dynamic("lab-01")[1:], cookie=proof)
    _report("a visitor who passed the check (a proof cookie)", bare, rates)
    with gunicorn(workers=4, threads=4, RENDER_CACHE_SECONDS="0", **SERVER) as server:
        bare, rates = _ratios(server.base_url, _dynamic("lab-01"))
    _report(
        "kept renderings off (RENDER_CACHE_SECONDS=0): every request rendered", bare, rates, False
    )
    _sites(range(3, 50))
    with gunicorn(workers=4, threads=4, **SERVER) as server:
        bare, rates = _ratios(server.base_url, _dynamic("lab-25"))
    _report("50 sites in one city, 8 weeks of slots", bare, rates)


def _drive_with_sign_ups(people: int) -> tuple[str, str]:
    """A published drive with `people` sign-ups and its organiser's session cookie."""
    from tests.factories import drive, drive_crowd, organiser

    lab = drive("BENCH2", capacity=people + 10)
    drive_crowd(lab, people)
    client = Client()
    client.force_login(organiser(lab))
    return lab.code, f"sessionid={client.cookies['sessionid'].value}"


def test_throughput_of_drive_pages_relative_to_a_bare_view() -> None:
    """The drive list and a drive's page as visitors get them, and the check-in desk's search
    over 2,000 sign-ups as an organiser types (signed in: every request is searched anew)."""
    reseed()
    code, session = _drive_with_sign_ups(2000)
    with gunicorn(workers=4, threads=4, **SERVER) as server:
        bare, rates = _ratios(server.base_url, ["/ru/drives/", f"/ru/drives/{code}/"])
        _report("drives, as served", bare, rates)
        search = f"/ru/organisers/drives/{code}/check-in/search/?q=smirn"
        bare, rates = _ratios(server.base_url, [search], cookie=session)
        _report("the check-in search over 2,000 sign-ups, against the bare view", bare, rates)
        # Served the same way: a bare view behind the same sign-in reads the session and the
        # user on every request too.
        bare, rates = _ratios(
            server.base_url, [search], cookie=session, bare_path="/bare-signed-in/"
        )
        _report("the same search, against a bare view for a signed-in user", bare, rates)


class QueryCounter(list[str]):
    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        self.append(sql)
        return execute(sql, params, many, context)


def _queries(client: Client, path: str) -> int:
    cache.clear()  # count what rendering the page costs, not the page cache's answer
    memory_clear()
    queries = QueryCounter()
    # A wrapper, not CaptureQueriesContext: a transactional test closes the connection after
    # each request, which empties the log CaptureQueriesContext reads.
    with connection.execute_wrapper(queries):
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.fixture
def bench_client(settings) -> Client:
    settings.ROOT_URLCONF = "tests.bench.urls"
    settings.RATELIMIT_ENABLE = False
    return Client()


def test_queries_per_page_stay_constant_as_the_data_grows(bench_client: Client) -> None:
    reseed()
    _sites(range(26))
    paths = [*EDUCATION, *_dynamic("lab-25")]
    small = {path: _queries(bench_client, path) for path in paths}
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
    _sites(range(26, 50))
    large = {path: _queries(bench_client, path) for path in paths}
    for path in paths:
        print(f"{path:34} {small[path]} queries; with 1,000 more entries and sites: {large[path]}")
    assert small == large
    assert max(large.values()) <= 5


def test_first_page_load_weighs_under_60_kb_compressed() -> None:
    reseed()
    with gunicorn(workers=1, threads=2, **SERVER) as server:

        def fetch(path: str) -> bytes:
            request = urllib.request.Request(
                server.base_url + path, headers={"Accept-Encoding": "gzip"}
            )
            with urllib.request.urlopen(request) as response:
                return response.read()

        html = fetch("/ru/")
        page = urllib.request.urlopen(server.base_url + "/ru/").read().decode()
        assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
        sizes = {"html": len(html)}
        for asset in assets:
            sizes[asset.rsplit("/", 1)[-1]] = len(fetch(asset))
    total = sum(sizes.values())
    print(
        "\nfirst load of /ru/, as sent (gzip): "
        + ", ".join(f"{name} {size / 1024:.1f} KB" for name, size in sizes.items())
        + f"; total {total / 1024:.1f} KB of a 60 KB budget"
    )
    assert total <= 60 * 1024
