"""The checker at a drive: a hall of students behind one network takes it hundreds of times an
hour and gets through, while one browser or a script hammering the form is asked to wait."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils.crypto import get_random_string

from recruitment.models import RulesVersion
from recruitment.services.eligibility import PROOF_COOKIE

pytestmark = pytest.mark.django_db

HALL = "192.0.2.50"  # the university's one address
ADULT = "2003-05-17"


@pytest.fixture
def answers() -> dict[str, str]:
    """Every health question answered "no", as the plain page without JavaScript sends them."""
    rules = RulesVersion.objects.current().rules()
    return {"version": str(rules.version), **{f"c_{c.key}": "no" for c in rules.conditions}}


def browser(address: str = HALL) -> Client:
    """A student's own browser: opening the checker gives it its CSRF cookie."""
    client = Client(REMOTE_ADDR=address)
    assert client.get("/en/eligibility/").status_code == 200
    return client


def take_the_check(client: Client, answers: dict[str, str], lang: str = "en") -> tuple[int, str]:
    """The whole check without JavaScript: the date of birth, then every question at once.
    The status and page of the first refusal, or of the result."""
    url = f"/{lang}/eligibility/"
    first = client.post(url, {"version": answers["version"], "stage": "born", "born": ADULT})
    if first.status_code != 200:
        return first.status_code, first.content.decode()
    result = client.post(url, {**answers, "stage": "questions", "born": ADULT})
    return result.status_code, result.content.decode()


def test_a_hall_of_300_students_behind_one_address_all_get_their_results(answers) -> None:
    # The settings as deployed: nothing is lowered or raised for this test.
    passed = 0
    for _ in range(300):
        # Each browser with the CSRF cookie that opening the checker would have given it.
        student = Client(REMOTE_ADDR=HALL)
        student.cookies[django_settings.CSRF_COOKIE_NAME] = get_random_string(32)
        status, page = take_the_check(student, answers)
        assert status == 200, page
        passed += "Good news" in page and PROOF_COOKIE in student.cookies
    assert passed == 300


def test_one_browser_past_its_limit_is_asked_kindly_to_wait_in_its_language(
    answers, settings
) -> None:
    settings.RATELIMIT_CHECKER_BROWSER = "3/h"
    eager = browser()
    assert [take_the_check(eager, answers)[0] for _ in range(3)] == [200, 200, 200]

    status, page = take_the_check(eager, answers)
    assert status == 429
    assert "Please wait a little" in page
    assert "Please try again in" in page and "minutes." in page
    assert "Good news" not in page
    status, page = take_the_check(eager, answers, lang="ru")
    assert status == 429
    assert "Подождите немного" in page and "Попробуйте снова через" in page

    # The student at the next desk, on the same network, is not held up.
    assert take_the_check(browser(), answers)[0] == 200


def test_the_wait_the_page_gives_is_the_time_left_in_the_period(answers, settings) -> None:
    settings.RATELIMIT_CHECKER_BROWSER = "1/h"
    eager = browser()
    take_the_check(eager, answers)
    response = eager.post(
        "/en/eligibility/", {"version": answers["version"], "stage": "born", "born": ADULT}
    )
    wait = int(response["Retry-After"])
    assert response.status_code == 429 and 1 <= wait <= 3600
    minutes = -(-wait // 60)
    unit = "minute" if minutes == 1 else "minutes"
    assert f"Please try again in {minutes} {unit}." in response.content.decode()


def test_a_script_that_drops_its_cookies_is_stopped_at_the_address_ceiling(
    answers, settings
) -> None:
    settings.RATELIMIT_CHECKER_ADDRESS = "5/h"
    # A fresh browser every time: only the address ties the checks together.
    statuses = [take_the_check(browser(), answers)[0] for _ in range(6)]
    assert statuses == [200, 200, 200, 200, 200, 429]
    assert take_the_check(browser("198.51.100.20"), answers)[0] == 200


def test_a_script_hammering_the_form_without_finishing_is_stopped(settings) -> None:
    settings.RATELIMIT_CHECKER = "10/h"
    script = browser()
    version = str(RulesVersion.objects.current().number)
    statuses = [
        script.post("/en/eligibility/", {"version": version, "stage": "born"}).status_code
        for _ in range(12)
    ]
    assert statuses == [200] * 10 + [429, 429]


def test_answers_that_lead_nowhere_yet_do_not_use_up_a_browsers_checks(answers, settings) -> None:
    settings.RATELIMIT_CHECKER_BROWSER = "1/h"
    student = browser()
    version = answers["version"]
    for _ in range(5):  # a mistyped date, corrected again and again
        response = student.post("/en/eligibility/", {"version": version, "stage": "born"})
        assert response.status_code == 200
    assert take_the_check(student, answers)[0] == 200
