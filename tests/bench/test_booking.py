"""Booking throughput and the cost of listing free times, measured in one run.

Run with `make bench`. Figures are printed, not asserted (the machine is noisy); the query
counts are asserted because they must not grow with the data.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import time
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from recruitment import eligibility
from recruitment.models import ConsentText, OpeningPattern, RulesVersion, Slot
from recruitment.services.appointments import SlotTaken, appointment_book
from recruitment.services.people import Details
from recruitment.services.sites import slots_generate
from tests.factories import reseed, typing_site

pytestmark = [pytest.mark.bench, pytest.mark.django_db(transaction=True)]


def _proof() -> eligibility.Proof:
    return eligibility.Proof(
        version=RulesVersion.objects.current().number,
        checked_on=timezone.localdate(),
        born_on=dt.date(1990, 1, 1),
    )


def _details(i: int, consent: ConsentText) -> Details:
    return Details(
        name=f"V{i}",
        email=f"v{i}@example.org",
        phone=f"+7912{i:07d}",
        born_on=dt.date(1990, 1, 1),
        language="ru",
        consent=consent,
    )


class QueryCounter(list[str]):
    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        self.append(sql)
        return execute(sql, params, many, context)


def test_bookings_per_second_across_many_slots() -> None:
    reseed()
    site = typing_site()
    start = timezone.now() + dt.timedelta(days=1)
    slots = Slot.objects.bulk_create(
        Slot(
            site=site,
            starts_at=start + dt.timedelta(minutes=15 * i),
            ends_at=start + dt.timedelta(minutes=15 * i + 15),
            day=(start + dt.timedelta(minutes=15 * i)).date(),
            capacity=2,
        )
        for i in range(600)
    )
    proof, consent = _proof(), ConsentText.objects.current()
    count = 400

    started = time.perf_counter()
    for i in range(count):
        appointment_book(
            slot_id=slots[i % 300].pk,
            details=_details(i, consent),
            proof=proof,
            request_key=uuid.uuid4(),
            now=timezone.now(),
        )
    sequential = count / (time.perf_counter() - started)

    threads, per_thread = 8, 50

    def worker(t: int) -> None:
        try:
            for j in range(per_thread):
                i = 1000 + t * per_thread + j
                with contextlib.suppress(SlotTaken):
                    appointment_book(
                        slot_id=slots[300 + i % 300].pk,
                        details=_details(i, consent),
                        proof=proof,
                        request_key=uuid.uuid4(),
                        now=timezone.now(),
                    )
        finally:
            connection.close()

    pool = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
    started = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    parallel = threads * per_thread / (time.perf_counter() - started)
    print(
        f"\nbookings: {sequential:,.0f}/s one at a time; {parallel:,.0f}/s from {threads} "
        f"threads over 300 slots ({parallel / sequential:.2f}× the sequential rate); "
        "each booking includes its outbox email and calendar file"
    )
    assert all(s.booked <= s.capacity for s in Slot.objects.all())


def test_listing_free_times_for_a_city_with_50_sites_and_8_weeks_of_slots(settings) -> None:
    """What rendering the pages costs: the site's kept renderings are off here (the
    throughput benchmark measures them as served)."""
    settings.RENDER_CACHE_SECONDS = 0
    reseed()
    sites = [typing_site(slug=f"lab-{i:02d}") for i in range(50)]
    OpeningPattern.objects.bulk_create(
        OpeningPattern(site=site, weekday=day, opens=dt.time(8), closes=dt.time(12), places=2)
        for site in sites
        for day in range(5)
    )
    started = time.perf_counter()
    created = slots_generate(now=timezone.now())
    generation = time.perf_counter() - started
    client = Client()
    pages = {
        "city list (next free time at each of 50 sites)": "/ru/typing-sites/?city=Москва",
        "one site (days of 8 weeks and a day's times)": "/ru/typing-sites/lab-25/",
    }
    print(f"\nslot generation: {created:,} slots for 50 sites in {generation:.2f} s")
    for label, path in pages.items():
        client.get(path)
        queries = QueryCounter()
        # Counted with a wrapper: each request closes the connection in a transactional test,
        # which empties the log CaptureQueriesContext reads.
        with connection.execute_wrapper(queries):
            assert client.get(path).status_code == 200
        rounds = 30
        started = time.perf_counter()
        for _ in range(rounds):
            client.get(path)
        per_request = (time.perf_counter() - started) / rounds * 1000
        print(f"{label}: {per_request:.1f} ms per request, {len(queries)} SQL queries")
        assert len(queries) <= 5
