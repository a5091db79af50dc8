"""Calendar invitations read as interviews: what an iCalendar REQUEST or CANCEL says, with
its times as naive UTC. Pure: applying one to the database is crm.services.invites."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from email.message import Message
from typing import Any

from crm.domain.validation import note_text, one_line
from crm.domain.zones import to_utc

REQUEST = "REQUEST"
CANCEL = "CANCEL"
PUBLISH = "PUBLISH"
"""A calendar without METHOD (an "add to calendar" download) is published, read as a request."""

CANCELLED_BY_INVITE = "invitation cancelled"
"""``FollowUp.cancelled_by`` of a follow-up whose interview's invitation was cancelled."""

DEFAULT_MINUTES = 60
"""How long an event with a start and no end or duration is taken to last."""

MAX_TEXT = 4000
"""How much of an invitation's description is kept (some carry whole dial-in pages)."""

_READ_ERRORS = (ValueError, KeyError, IndexError, TypeError, AttributeError, OverflowError)


class InviteError(ValueError):
    """The calendar can't be read as an invitation; the message says why in one line."""


@dataclass(frozen=True)
class Person:
    """An organiser or attendee: display name (may be empty) and lower-cased address."""

    name: str
    address: str
    partstat: str = ""
    """NEEDS-ACTION, ACCEPTED, DECLINED, TENTATIVE (upper case), or "" when not given."""


@dataclass(frozen=True)
class Invitation:
    """One event of an invitation, as crm uses it."""

    method: str
    """REQUEST, CANCEL or PUBLISH (as the calendar says; upper case)."""
    uid: str
    sequence: int
    summary: str
    starts_at: datetime
    """Naive UTC."""
    ends_at: datetime
    """Naive UTC, after ``starts_at``."""
    all_day: bool
    location: str
    organizer: Person | None
    attendees: tuple[Person, ...]
    description: str
    cancelled: bool = False
    """METHOD:CANCEL, or an event whose STATUS is CANCELLED."""
    stamp: datetime | None = None
    """DTSTAMP (when the organiser's calendar sent it), naive UTC; None when missing."""

    @property
    def people(self) -> tuple[Person, ...]:
        """The organiser first, then the attendees, each address once."""
        seen: dict[str, Person] = {}
        for person in (self.organizer, *self.attendees):
            if person is not None and person.address not in seen:
                seen[person.address] = person
        return tuple(seen.values())

    def to_detail(self) -> str:
        """The invitation as the JSON a proposed interview keeps (see ``from_detail``)."""
        return json.dumps(detail_of(self), ensure_ascii=False, sort_keys=True)


def detail_of(invitation: Invitation) -> dict[str, Any]:
    """The invitation as a JSON-ready dict: times ISO 8601 naive UTC, people as dicts."""

    def person(p: Person) -> dict[str, str]:
        return {"name": p.name, "address": p.address, "partstat": p.partstat}

    return {
        "method": invitation.method,
        "uid": invitation.uid,
        "sequence": invitation.sequence,
        "summary": invitation.summary,
        "starts_at": invitation.starts_at.isoformat(),
        "ends_at": invitation.ends_at.isoformat(),
        "all_day": invitation.all_day,
        "location": invitation.location,
        "description": invitation.description,
        "organizer": None if invitation.organizer is None else person(invitation.organizer),
        "attendees": [person(p) for p in invitation.attendees],
        "cancelled": invitation.cancelled,
        "stamp": None if invitation.stamp is None else invitation.stamp.isoformat(),
    }


def from_detail(text: str) -> Invitation:
    """The invitation a proposed interview's JSON ``detail`` holds.

    Raises:
        InviteError: the text is not such JSON.
    """
    try:
        data = json.loads(text)

        def person(value: dict[str, str]) -> Person:
            return Person(str(value["name"]), str(value["address"]), str(value["partstat"]))

        organizer = data["organizer"]
        return Invitation(
            method=str(data["method"]),
            uid=str(data["uid"]),
            sequence=int(data["sequence"]),
            summary=str(data["summary"]),
            starts_at=datetime.fromisoformat(data["starts_at"]),
            ends_at=datetime.fromisoformat(data["ends_at"]),
            all_day=bool(data["all_day"]),
            location=str(data["location"]),
            organizer=None if organizer is None else person(organizer),
            attendees=tuple(person(p) for p in data["attendees"]),
            description=str(data["description"]),
            cancelled=bool(data.get("cancelled", False)),
            stamp=datetime.fromisoformat(data["stamp"]) if data.get("stamp") else None,
        )
    except (*_READ_ERRORS, json.JSONDecodeError) as error:
        raise InviteError(f"The proposed interview's invitation can't be read: {error}") from error


def parse_invitations(data: bytes | str, tz: tzinfo) -> list[Invitation]:
    """Every event of the VCALENDAR(s) in ``data``, as invitations.

    A time with a TZID (an IANA zone, or a Windows one such as "Pacific Standard Time") is
    read in that zone, a floating time in ``tz`` (the user's), an all-day event from the
    user's midnight. Events that only change one occurrence of a series (RECURRENCE-ID) are
    left out: crm keeps one interview per invitation.

    Raises:
        InviteError: ``data`` is no calendar, has no event, or an event lacks its UID or start.
    """
    from icalendar import Calendar  # parsing is only needed where an invitation is read

    if isinstance(data, str):
        data = data.encode("utf-8")
    if not data.strip():
        raise InviteError("The calendar is empty.")
    try:
        calendars = Calendar.from_ical(data, multiple=True)
    except _READ_ERRORS as error:
        raise InviteError(f"Not an iCalendar file: {_first_line(error)}") from error
    invitations: list[Invitation] = []
    for calendar in calendars:
        if calendar.name != "VCALENDAR":
            raise InviteError(
                f"Not an iCalendar file: it holds a {calendar.name}, not a VCALENDAR."
            )
        method = str(calendar.get("METHOD", PUBLISH)).strip().upper() or PUBLISH
        for event in calendar.walk("VEVENT"):
            if event.get("RECURRENCE-ID") is not None:
                continue
            invitations.append(_event(event, method, tz))
    if not invitations:
        raise InviteError("The calendar holds no event.")
    return invitations


def may_carry_invitation(headers: Message) -> bool:
    """Whether a message's header block allows a calendar part (read the body to know)."""
    kind = headers.get_content_type()
    return kind.startswith("multipart/") or kind in ("text/calendar", "application/ics")


def _event(event: Any, method: str, tz: tzinfo) -> Invitation:
    uid = one_line(str(event.get("UID", "")))
    if not uid:
        raise InviteError("An event of the calendar has no UID.")
    try:
        sequence = int(str(event.get("SEQUENCE", 0)).strip() or 0)
    except ValueError as error:
        raise InviteError(f"Event {uid}: its SEQUENCE is not a number.") from error
    summary = one_line(str(event.get("SUMMARY", "")))
    try:
        start = event.decoded("DTSTART") if "DTSTART" in event else None
        end = event.decoded("DTEND") if "DTEND" in event else None
        duration = (
            event.decoded("DURATION") if "DTEND" not in event and "DURATION" in event else None
        )
        stamp = event.decoded("DTSTAMP") if "DTSTAMP" in event else None
    except _READ_ERRORS as error:
        raise InviteError(f"Event {uid}: a time can't be read: {_first_line(error)}") from error
    if not isinstance(start, date):
        raise InviteError(f"Event {uid} has no readable start (DTSTART).")
    all_day = not isinstance(start, datetime)
    starts_at = _utc(start, tz)
    if isinstance(end, date) and isinstance(end, datetime) == all_day:
        raise InviteError(f"Event {uid}: its start and end are not both dates or both times.")
    if isinstance(end, date):
        ends_at = _utc(end, tz)
    elif isinstance(duration, timedelta):
        ends_at = starts_at + duration
    else:
        ends_at = starts_at + (timedelta(days=1) if all_day else timedelta(minutes=DEFAULT_MINUTES))
    if ends_at < starts_at:
        raise InviteError(f"Event {uid} ends before it starts.")
    if ends_at == starts_at:
        ends_at = starts_at + timedelta(minutes=DEFAULT_MINUTES)
    status = str(event.get("STATUS", "")).strip().upper()
    return Invitation(
        method=method,
        uid=uid,
        sequence=sequence,
        summary=summary,
        starts_at=starts_at,
        ends_at=ends_at,
        all_day=all_day,
        location=one_line(str(event.get("LOCATION", ""))),
        organizer=_person(event.get("ORGANIZER")),
        attendees=tuple(
            person for person in map(_person, _listed(event.get("ATTENDEE"))) if person is not None
        ),
        description=note_text(str(event.get("DESCRIPTION", "")))[:MAX_TEXT],
        cancelled=method == CANCEL or status == "CANCELLED",
        stamp=_utc(stamp, tz) if isinstance(stamp, datetime) else None,
    )


def _utc(value: date, tz: tzinfo) -> datetime:
    """A DTSTART or DTEND as naive UTC: zoned times converted, floating ones and dates (the
    user's midnight) read in ``tz``."""
    if not isinstance(value, datetime):
        return to_utc(datetime.combine(value, time()), tz)
    if value.tzinfo is None or value.utcoffset() is None:
        return to_utc(value, tz)
    return value.astimezone(UTC).replace(tzinfo=None)


def _listed(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _person(value: Any) -> Person | None:
    """An ORGANIZER or ATTENDEE as a Person; None without a mail address."""
    if value is None:
        return None
    text = str(value).strip()
    if text.casefold().startswith("mailto:"):
        text = text[len("mailto:") :]
    address = one_line(text).casefold()
    if "@" not in address or " " in address:
        return None
    params = getattr(value, "params", {})
    name = one_line(str(params.get("CN", ""))).strip('"')
    partstat = one_line(str(params.get("PARTSTAT", ""))).upper()
    return Person(name if name.casefold() != address else "", address, partstat)


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


__all__ = [
    "CANCEL",
    "CANCELLED_BY_INVITE",
    "PUBLISH",
    "REQUEST",
    "InviteError",
    "Invitation",
    "Person",
    "detail_of",
    "from_detail",
    "may_carry_invitation",
    "parse_invitations",
]
