"""Reading calendar invitations: Google (UTC) and Outlook (Windows zone names with a
VTIMEZONE), floating and all-day times, CANCEL, and broken input as one line."""

from __future__ import annotations

from datetime import UTC, datetime
from email.parser import BytesHeaderParser
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crm.domain.invites import (
    InviteError,
    Person,
    from_detail,
    may_carry_invitation,
    parse_invitations,
)
from tests.invite_fixtures import google_ics, outlook_ics, outlook_mail

BERLIN = ZoneInfo("Europe/Berlin")


def test_google_invitation_in_utc_with_organizer_and_attendees() -> None:
    ics = google_ics(
        "abc123@google.com",
        datetime(2026, 12, 10, 18),
        datetime(2026, 12, 10, 19, 30),
        sequence=2,
        summary="Interview: Anna / Staff Engineer",
        organizer=("Ann Lee", "Ann.Lee@Initech.example"),
        attendees=[
            ("Ann Lee", "ann.lee@initech.example", "ACCEPTED"),
            ("Кэти Смирнова", "katya@initech.example", "NEEDS-ACTION"),
            ("山田 太郎", "yamada@initech.example", "DECLINED"),
        ],
    )
    [invite] = parse_invitations(ics, BERLIN)
    assert (invite.method, invite.uid, invite.sequence) == ("REQUEST", "abc123@google.com", 2)
    assert invite.summary == "Interview: Anna / Staff Engineer"
    assert (invite.starts_at, invite.ends_at) == (
        datetime(2026, 12, 10, 18),
        datetime(2026, 12, 10, 19, 30),
    )
    assert invite.organizer == Person("Ann Lee", "ann.lee@initech.example", "")
    assert [(p.name, p.address, p.partstat) for p in invite.attendees] == [
        ("Ann Lee", "ann.lee@initech.example", "ACCEPTED"),
        ("Кэти Смирнова", "katya@initech.example", "NEEDS-ACTION"),
        ("山田 太郎", "yamada@initech.example", "DECLINED"),
    ]
    assert [p.address for p in invite.people] == [
        "ann.lee@initech.example",
        "katya@initech.example",
        "yamada@initech.example",
    ]
    assert invite.location == "https://meet.google.com/abc-defg-hij"
    assert invite.stamp == datetime(2026, 12, 1, 12)
    assert not invite.cancelled and not invite.all_day


def test_outlook_windows_zone_is_resolved_across_daylight_saving() -> None:
    winter = outlook_ics("o-1", datetime(2026, 12, 10, 10), datetime(2026, 12, 10, 11))
    summer = outlook_ics("o-2", datetime(2026, 7, 10, 10), datetime(2026, 7, 10, 11))
    [w] = parse_invitations(winter, UTC)
    [s] = parse_invitations(summer, UTC)
    assert w.starts_at == datetime(2026, 12, 10, 18)  # PST, UTC-8
    assert s.starts_at == datetime(2026, 7, 10, 17)  # PDT, UTC-7
    assert w.organizer is not None and w.organizer.address == "ann.lee@initech.example"


def test_windows_zone_name_without_vtimezone_is_resolved() -> None:
    text = (
        "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:w\r\n"
        "DTSTART;TZID=W. Europe Standard Time:20260710T100000\r\n"
        "DTEND;TZID=W. Europe Standard Time:20260710T110000\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    [invite] = parse_invitations(text, UTC)
    assert invite.starts_at == datetime(2026, 7, 10, 8)


def test_floating_and_all_day_times_are_the_users_zone() -> None:
    text = (
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:f\r\nDTSTART:20261210T100000\r\n"
        "DURATION:PT45M\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:d\r\n"
        "DTSTART;VALUE=DATE:20261211\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    floating, all_day = parse_invitations(text, BERLIN)
    assert floating.method == "PUBLISH"
    assert (floating.starts_at, floating.ends_at) == (
        datetime(2026, 12, 10, 9),
        datetime(2026, 12, 10, 9, 45),
    )
    assert all_day.all_day
    assert (all_day.starts_at, all_day.ends_at) == (
        datetime(2026, 12, 10, 23),
        datetime(2026, 12, 11, 23),
    )


def test_cancel_and_cancelled_status() -> None:
    start, end = datetime(2026, 12, 10, 10), datetime(2026, 12, 10, 11)
    [cancel] = parse_invitations(outlook_ics("o", start, end, method="CANCEL", sequence=3), UTC)
    assert cancel.method == "CANCEL" and cancel.cancelled and cancel.sequence == 3
    [status] = parse_invitations(google_ics("g", start, end, status="CANCELLED"), UTC)
    assert status.method == "REQUEST" and status.cancelled


def test_detail_json_round_trips() -> None:
    ics = google_ics(
        "g",
        datetime(2026, 12, 10, 18),
        datetime(2026, 12, 10, 19),
        attendees=[("José Núñez", "jose@acme.example", "TENTATIVE")],
        description="Line one\nLine two",
    )
    [invite] = parse_invitations(ics, UTC)
    assert from_detail(invite.to_detail()) == invite
    with pytest.raises(InviteError, match="can't be read"):
        from_detail('{"uid": 1}')


def test_control_characters_are_dropped_from_imported_text() -> None:
    ics = google_ics(
        "g", datetime(2026, 12, 10, 18), datetime(2026, 12, 10, 19), summary="Hi\x1b[31m red"
    )
    [invite] = parse_invitations(ics, UTC)
    assert "\x1b" not in invite.summary


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The calendar is empty."),
        ("hello world", "Not an iCalendar file"),
        ("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "holds no event"),
        (
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20261210T100000Z\r\nEND:VEVENT\r\n"
            "END:VCALENDAR\r\n",
            "has no UID",
        ),
        (
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:tomorrow\r\nEND:VEVENT\r\n"
            "END:VCALENDAR\r\n",
            "no readable start",
        ),
        (
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:20261210T100000Z\r\n"
            "DTEND:20261210T090000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            "ends before it starts",
        ),
        (
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nSEQUENCE:two\r\n"
            "DTSTART:20261210T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            "SEQUENCE is not a number",
        ),
        ("BEGIN:VCARD\r\nFN:Ann\r\nEND:VCARD\r\n", "not a VCALENDAR"),
    ],
)
def test_broken_calendars_are_one_line_errors(text: str, message: str) -> None:
    with pytest.raises(InviteError, match=message) as caught:
        parse_invitations(text, UTC)
    assert "\n" not in str(caught.value)


def test_only_multipart_or_calendar_messages_may_carry_an_invitation() -> None:
    mail = outlook_mail(
        outlook_ics("o", datetime(2026, 12, 10, 10), datetime(2026, 12, 10, 11)),
        sender="ann@initech.example",
        to="anna@home.example",
        subject="Interview",
        at=datetime(2026, 12, 1),
        message_id="<o@x>",
    )
    parse = BytesHeaderParser().parsebytes
    assert may_carry_invitation(parse(mail.as_bytes()))
    assert not may_carry_invitation(parse(b"Content-Type: text/plain\r\n\r\nhi"))
    assert not may_carry_invitation(parse(b"Subject: no type at all\r\n\r\nhi"))


SEEDS = [
    google_ics(
        "g",
        datetime(2026, 12, 10, 18),
        datetime(2026, 12, 10, 19),
        attendees=[("Кэти", "katya@initech.example", "ACCEPTED")],
    ).encode(),
    outlook_ics("o", datetime(2026, 12, 10, 10), datetime(2026, 12, 10, 11)).encode(),
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.sampled_from(SEEDS),
    cut=st.integers(min_value=0, max_value=2000),
    at=st.integers(min_value=0, max_value=2000),
    junk=st.binary(max_size=40),
)
def test_mangled_calendars_read_or_refuse_in_one_line(
    seed: bytes, cut: int, at: int, junk: bytes
) -> None:
    mangled = seed[: at % (len(seed) + 1)] + junk + seed[at % (len(seed) + 1) + cut % 50 :]
    try:
        invitations = parse_invitations(mangled, UTC)
    except InviteError as error:
        assert "\n" not in str(error).strip()
    else:
        for invite in invitations:
            assert invite.uid and invite.starts_at <= invite.ends_at
