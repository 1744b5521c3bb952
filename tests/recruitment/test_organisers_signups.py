"""A drive's sign-up list: search, filter, pages, and the CSV download (only this drive's
people, each download recorded, nothing a spreadsheet would run as a formula)."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client

from recruitment.models import DriveExport, DriveSignup
from tests.factories import drive, drive_signup, organiser

pytestmark = pytest.mark.django_db


def named(drive_: Any, i: int, name: str) -> DriveSignup:
    signup = drive_signup(drive_, i)
    DriveSignup.objects.filter(pk=signup.pk).update(name=name)
    signup.name = name
    return signup


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_list_finds_people_by_name_email_or_phone_and_status() -> None:
    lab = drive("LISTED")
    client = signed_in(organiser(lab))
    anna = named(lab, 1, "Anna Petrova")
    named(lab, 2, "Boris Ivanov")
    DriveSignup.objects.filter(pk=anna.pk).update(status="checked_in")
    url = "/en/organisers/drives/LISTED/sign-ups/"
    assert "Anna Petrova" in client.get(url).text and "Boris Ivanov" in client.get(url).text
    by_name = client.get(url, {"q": "petr"}).text
    assert "Anna Petrova" in by_name and "Boris Ivanov" not in by_name
    by_email = client.get(url, {"q": "s2@example"}).text
    assert "Boris Ivanov" in by_email and "Anna Petrova" not in by_email
    by_phone = client.get(url, {"q": "444 0002"}).text
    assert "Boris Ivanov" in by_phone and "Anna Petrova" not in by_phone
    checked_in = client.get(url, {"status": "checked_in"}).text
    assert "Anna Petrova" in checked_in and "Boris Ivanov" not in checked_in
    assert "Nobody matches" in client.get(url, {"q": "zzz"}).text


def test_the_list_comes_in_pages() -> None:
    lab = drive("PAGED1", capacity=60)
    client = signed_in(organiser(lab))
    for i in range(55):
        drive_signup(lab, i + 1)
    first = client.get("/en/organisers/drives/PAGED1/sign-ups/")
    assert first.text.count('<tr>\n    <th scope="row"') == 50
    assert "Page 1 of 2" in first.text
    second = client.get("/en/organisers/drives/PAGED1/sign-ups/", {"page": "2"})
    assert second.text.count('<tr>\n    <th scope="row"') == 5
    assert client.get("/en/organisers/drives/PAGED1/sign-ups/", {"page": "x"}).status_code == 200


def rows(response: Any) -> list[list[str]]:
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    return list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))


def test_the_csv_holds_this_drives_people_only_and_records_the_download() -> None:
    lab = drive("CSVONE")
    other = drive("CSVTWO")
    me = organiser(lab)
    named(lab, 1, "Anna Petrova")
    named(lab, 2, "Борис Иванов")
    named(other, 3, "Not Mine")
    response = signed_in(me).get("/en/organisers/drives/CSVONE/sign-ups.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="drive-CSVONE-sign-ups.csv"' in response["Content-Disposition"]
    table = rows(response)
    assert table[0][:3] == ["Name", "Email", "Phone"]
    assert [row[0] for row in table[1:]] == ["Anna Petrova", "Борис Иванов"]
    export = DriveExport.objects.get()
    assert (export.drive, export.by, export.rows) == (lab, me, 2)


def test_the_csv_neutralises_what_a_spreadsheet_would_run() -> None:
    lab = drive("FORMUL")
    named(lab, 1, '=HYPERLINK("http://evil.example","click")')
    named(lab, 2, "@SUM(A1:A9)")
    named(lab, 3, "-2+3")
    table = rows(signed_in(organiser(lab)).get("/en/organisers/drives/FORMUL/sign-ups.csv"))
    names = [row[0] for row in table[1:]]
    assert names == ['\'=HYPERLINK("http://evil.example","click")', "'@SUM(A1:A9)", "'-2+3"]
    phones = [row[2] for row in table[1:]]
    assert all(phone.startswith("'+7") for phone in phones)  # "+7…" would start a formula
    for row in table:
        assert not any(cell[:1] in ("=", "+", "-", "@") for cell in row)
