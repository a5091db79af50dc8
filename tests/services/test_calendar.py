"""iCalendar export, parsed back with icalendar and checked field by field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from crm.db.models import FollowUp, Interview
from crm.domain.types import ContactDraft
from crm.services import followups
from crm.services.calendar import export_calendar, export_calendar_dir
from crm.services.contacts import create_contact
from crm.services.interviews import add_interview, mark_interview_done
from crm.services.opportunities import add_opportunity
from crm.services.tx import reading, writing

NOW = datetime(2026, 11, 18, 15, 0, 0)
UPCOMING = datetime(2026, 11, 20, 14, 0, 0)
PAST = datetime(2026, 11, 17, 9, 0, 0)


@pytest.fixture
def calendar_db(db_path: Path) -> dict[str, int]:
    """Two interviews at Acme (one done, with its thank-yous planned) and one at Globex."""
    ann = create_contact(ContactDraft(name="Ann Lee", company="Acme", role="CTO"), now=NOW)
    bob = create_contact(ContactDraft(name="Bob Stone", company="Acme"), now=NOW)
    zoe = create_contact(ContactDraft(name="Zoë Ångström"), now=NOW)
    acme = add_opportunity("Acme", "Backend Engineer", now=NOW)
    globex = add_opportunity("Globex", "Staff Engineer", now=NOW)
    done = add_interview(acme, PAST, interviewer_ids=[ann, bob], minutes=45, kind="technical")
    upcoming = add_interview(globex, UPCOMING, interviewer_ids=[zoe], minutes=90, kind="onsite")
    with writing():
        Interview.update(location="Globex HQ, 5th floor", notes="Bring the portfolio.").where(
            Interview.id == upcoming
        ).execute()
    planned = mark_interview_done(done, now=NOW)
    followups.complete(planned[-1], now=NOW)  # done: not exported
    followups.snooze(planned[0], NOW + timedelta(hours=5), now=NOW)
    return {"done": done, "upcoming": upcoming, "ann": ann, "bob": bob, "zoe": zoe}


def components(text: str, name: str) -> dict[str, object]:
    calendar = Calendar.from_ical(text)
    return {str(c["UID"]): c for c in calendar.walk(name)}


def test_calendar_header(calendar_db: dict[str, int]) -> None:
    text, count = export_calendar(now=NOW)
    calendar = Calendar.from_ical(text)
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]) == "-//crm//crm export//EN"
    with reading():
        pending = FollowUp.select().where(FollowUp.done_at.is_null()).count()
    assert count == 2 + pending
    assert text.startswith("BEGIN:VCALENDAR\r\n")


def test_interviews_are_events_with_a_reminder(calendar_db: dict[str, int]) -> None:
    text, _count = export_calendar(now=NOW)
    events = components(text, "VEVENT")
    with reading():
        upcoming = Interview.get_by_id(calendar_db["upcoming"])
        done = Interview.get_by_id(calendar_db["done"])
    assert set(events) == {upcoming.uid, done.uid}
    event = events[upcoming.uid]
    assert event.decoded("DTSTART") == UPCOMING.replace(tzinfo=UTC)
    assert event.decoded("DTEND") == (UPCOMING + timedelta(minutes=90)).replace(tzinfo=UTC)
    assert "DTSTART:20261120T140000Z" in text  # UTC, not floating or zoned
    assert event.decoded("DTSTAMP") == NOW.replace(tzinfo=UTC)
    assert str(event["SUMMARY"]) == "Interview: Staff Engineer at Globex"
    assert str(event["LOCATION"]) == "Globex HQ, 5th floor"
    assert str(event["DESCRIPTION"]) == (
        "Interviewers: Zoë Ångström\nRound: onsite\nBring the portfolio."
    )
    [alarm] = event.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm.decoded("TRIGGER") == timedelta(minutes=-30)
    assert str(alarm["DESCRIPTION"]) == "Interview: Staff Engineer at Globex"
    past = events[done.uid]
    assert str(past["SUMMARY"]) == "Interview: Backend Engineer at Acme"
    assert str(past["DESCRIPTION"]).splitlines()[0] == (
        "Interviewers: Ann Lee (CTO at Acme), Bob Stone (Acme)"
    )


def test_pending_follow_ups_are_todos_due_at_the_window_end(calendar_db: dict[str, int]) -> None:
    text, _count = export_calendar(now=NOW)
    todos = components(text, "VTODO")
    with reading():
        pending = list(FollowUp.select().where(FollowUp.done_at.is_null()))
        done = list(FollowUp.select().where(FollowUp.done_at.is_null(False)))
        interview_uid = Interview.get_by_id(calendar_db["done"]).uid
    assert pending and done
    assert set(todos) == {f.uid for f in pending}
    for follow_up in pending:
        todo = todos[follow_up.uid]
        assert todo.decoded("DUE") == follow_up.window_end.replace(tzinfo=UTC)
        assert str(todo["STATUS"]) == "NEEDS-ACTION"
        assert str(todo["RELATED-TO"]) == interview_uid
        description = str(todo["DESCRIPTION"]).splitlines()
        assert description[0] == (
            f"Window: {follow_up.window_start:%Y-%m-%d %H:%M} UTC – "
            f"{follow_up.window_end:%Y-%m-%d %H:%M} UTC"
        )
        assert description[1] == "About: Backend Engineer at Acme"
    thank_ann = next(
        todos[f.uid] for f in pending if f.contact_id == calendar_db["ann"] and f.snoozed_until
    )
    assert str(thank_ann["SUMMARY"]) == "Send a thank-you e-mail: Ann Lee"
    assert "Snoozed until 2026-11-18 20:00 UTC" in str(thank_ann["DESCRIPTION"])


def test_uids_are_stable_across_exports(calendar_db: dict[str, int]) -> None:
    first, _ = export_calendar(now=NOW)
    second, _ = export_calendar(now=NOW + timedelta(days=1))
    assert list(components(first, "VEVENT")) == list(components(second, "VEVENT"))
    assert list(components(first, "VTODO")) == list(components(second, "VTODO"))
    assert first != second  # DTSTAMP says when


def test_an_empty_database_exports_an_empty_calendar(db_path: Path) -> None:
    text, count = export_calendar(now=NOW)
    assert count == 0
    assert Calendar.from_ical(text).walk("VEVENT") == []


def test_vdir_export_keeps_files_updates_changes_and_removes_done(
    calendar_db: dict[str, int], tmp_path: Path
) -> None:
    folder = tmp_path / "calendar"
    first = export_calendar_dir(folder, now=NOW)
    assert first.written == first.items and first.removed == 0
    with reading():
        upcoming = Interview.get_by_id(calendar_db["upcoming"])
        pending = list(FollowUp.select().where(FollowUp.done_at.is_null()))
    assert (folder / f"{upcoming.uid}.ics").exists()
    one = Calendar.from_ical((folder / f"{upcoming.uid}.ics").read_bytes())
    assert [str(c["UID"]) for c in one.walk("VEVENT")] == [upcoming.uid]
    (folder / "someone-else.ics").write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//other//EN\r\nEND:VCALENDAR\r\n"
    )
    # Only the time of export changed: nothing is rewritten for a sync tool to upload.
    again = export_calendar_dir(folder, now=NOW + timedelta(hours=1))
    assert (again.written, again.unchanged, again.removed) == (0, first.items, 0)
    # A thank-you e-mail marked done plans the handwritten note: one more file to write.
    planned = followups.complete(pending[0].id, now=NOW)
    with writing():
        Interview.update(location="Remote").where(Interview.id == upcoming.id).execute()
    third = export_calendar_dir(folder, now=NOW + timedelta(hours=2))
    assert (third.written, third.removed) == (1 + len(planned), 1)
    assert not (folder / f"{pending[0].uid}.ics").exists()
    assert (folder / "someone-else.ics").exists()
    event = Calendar.from_ical((folder / f"{upcoming.uid}.ics").read_bytes()).walk("VEVENT")[0]
    assert str(event["LOCATION"]) == "Remote"
