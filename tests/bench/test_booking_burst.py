"""How fast the losers of a race for the last place hear "taken": 50 and 200 browsers at once
through gunicorn on PostgreSQL. Printed, not asserted (the machine is noisy); the outcome is."""

from __future__ import annotations

import pytest

from tests.gunicorn import race_for_the_last_place

pytestmark = [pytest.mark.bench, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("clients", [50, 200])
def test_burst_time_of_a_race_for_the_last_place(clients: int) -> None:
    """Beside each race, the same burst at a slot that is already full: what the machine needs
    to answer that many posts at all. The difference is what the race itself costs."""
    race = race_for_the_last_place(clients)
    full = race_for_the_last_place(clients, already_full=True)
    for name, times in (("race for the last place", race), ("slot already full", full)):
        print(
            f"\n{clients} browsers, {name}: burst {times['burst_s']:.2f} s, losers median "
            f"{times['loser_median_s']:.2f} s, slowest {times['loser_max_s']:.2f} s"
        )
