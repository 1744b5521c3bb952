"""The check-in desk's search as the organiser types, at a drive with 2,000 sign-ups: time per
request on the server (target: under 50 ms). Run with `-m bench -s`; the figures are printed,
not asserted (the machine is noisy); the query count is asserted, as it must not grow."""

from __future__ import annotations

import statistics
import time

import pytest
from django.db import connection
from django.test import Client

from tests.factories import drive, drive_crowd, organiser, reseed

pytestmark = [pytest.mark.bench, pytest.mark.django_db(transaction=True)]

PEOPLE = 2000
# What an organiser types, letter by letter, plus phone digits.
TYPED = ["a", "an", "ann", "anna", "anna p", "ko", "koz", "kozl", "sok", "44412", "4441234"]


def test_checkin_search_time_per_request_with_2000_sign_ups() -> None:
    reseed()
    lab = drive("BENCH1", capacity=PEOPLE)
    drive_crowd(lab, PEOPLE, checked_in_every=5)
    client = Client()
    client.force_login(organiser(lab))
    url = "/ru/organisers/drives/BENCH1/check-in/search/"
    headers = {"HX-Request": "true"}
    for query in TYPED:  # warm up: templates compiled, connection open
        assert client.get(url, {"q": query}, headers=headers).status_code == 200

    queries: list[str] = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url, {"q": "anna"}, headers=headers)
    timings = []
    for _round in range(20):
        for query in TYPED:
            started = time.perf_counter()
            response = client.get(url, {"q": query}, headers=headers)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
    timings.sort()
    median = statistics.median(timings)
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"\ncheck-in search, {PEOPLE} sign-ups, {len(timings)} requests: "
        f"median {median:.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.1f} ms "
        f"(target < 50 ms); {len(queries)} SQL queries per request"
    )
    # Session, user, drive, the people found, the counter: a fixed handful, whatever the size.
    assert len(queries) <= 8
