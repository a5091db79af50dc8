"""iCalendar export: interviews as events with a reminder, pending follow-ups as to-dos.

One .ics file for any calendar, or a vdir (one ``UID.ics`` per entry) for vdirsyncer and
khal. UIDs are the rows' own, so re-exporting updates the same entries instead of adding
copies.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from icalendar import Alarm, Calendar, Event, Todo
from peewee import JOIN

from crm.clock import utc_now
from crm.db.models import (
    Company,
    Contact,
    FollowUp,
    Interview,
    InterviewInterviewer,
    Opportunity,
)
from crm.db.typed import tuples
from crm.domain.types import FollowUpKind
from crm.services.conversations import FOLLOW_UP_TITLES
from crm.services.followups import opportunity_title
from crm.services.tx import reading
from crm.services.vdir import ExportResult, sync_vdir, vdir_file_name

PRODID = "-//crm//crm export//EN"
CALENDAR_NAME = "Job search"
REMINDER = timedelta(minutes=30)
_DTSTAMP = re.compile(rb"^DTSTAMP[;:][^\r\n]*\r?\n", re.MULTILINE)


@dataclass(frozen=True)
class _Interviewer:
    name: str
    role: str
    company: str


@dataclass(frozen=True)
class _InterviewEntry:
    uid: str
    starts_at: datetime
    ends_at: datetime
    role: str
    company: str
    kind: str
    location: str
    notes: str
    done: bool
    interviewers: tuple[_Interviewer, ...]
    cancelled: bool = False


@dataclass(frozen=True)
class _FollowUpEntry:
    uid: str
    kind: str
    contact: str
    opportunity: str
    window_start: datetime
    window_end: datetime
    snoozed_until: datetime | None
    note: str
    interview_uid: str


def _utc(value: object) -> datetime:
    """A stored naive-UTC value as an aware UTC datetime."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=UTC)


def _entries() -> tuple[list[_InterviewEntry], list[_FollowUpEntry]]:
    """Every interview and every pending follow-up, read in one connection."""
    with reading():
        return _interview_entries(), _follow_up_entries()


def _interview_entries() -> list[_InterviewEntry]:
    """Every interview, with its interviewers (inside a connection)."""
    interviewers: dict[int, list[_Interviewer]] = defaultdict(list)
    for interview_id, name, role, company in tuples(
        InterviewInterviewer.select(
            InterviewInterviewer.interview, Contact.name, Contact.role, Company.name
        )
        .join(Contact)
        .join(Company, JOIN.LEFT_OUTER)
        .order_by(InterviewInterviewer.id)
    ):
        interviewers[interview_id].append(_Interviewer(name, role, company or ""))
    return [
        _InterviewEntry(
            uid=uid,
            starts_at=_utc(starts_at),
            ends_at=_utc(ends_at),
            role=role,
            company=company,
            kind=kind,
            location=location,
            notes=notes,
            done=done_at is not None,
            interviewers=tuple(interviewers[interview_id]),
            cancelled=cancelled_at is not None,
        )
        for (
            interview_id,
            uid,
            starts_at,
            ends_at,
            kind,
            location,
            notes,
            done_at,
            cancelled_at,
            role,
            company,
        ) in tuples(
            Interview.select(
                Interview.id,
                Interview.uid,
                Interview.starts_at,
                Interview.ends_at,
                Interview.kind,
                Interview.location,
                Interview.notes,
                Interview.done_at,
                Interview.cancelled_at,
                Opportunity.role,
                Company.name,
            )
            .join(Opportunity)
            .join(Company)
            .order_by(Interview.starts_at, Interview.id)
        )
    ]


def _follow_up_entries() -> list[_FollowUpEntry]:
    """Every pending follow-up (inside a connection)."""
    interview = Interview.alias()
    return [
        _FollowUpEntry(
            uid=uid,
            kind=kind,
            contact=contact,
            opportunity=opportunity_title(role, company),
            window_start=_utc(window_start),
            window_end=_utc(window_end),
            snoozed_until=_utc(snoozed) if snoozed else None,
            note=note,
            interview_uid=interview_uid or "",
        )
        for (
            uid,
            kind,
            contact,
            role,
            company,
            window_start,
            window_end,
            snoozed,
            note,
            interview_uid,
        ) in tuples(
            FollowUp.select(
                FollowUp.uid,
                FollowUp.kind,
                Contact.name,
                Opportunity.role,
                Company.name,
                FollowUp.window_start,
                FollowUp.window_end,
                FollowUp.snoozed_until,
                FollowUp.note,
                interview.uid,
            )
            .join(Contact)
            .switch(FollowUp)
            .join(Opportunity, JOIN.LEFT_OUTER)
            .join(Company, JOIN.LEFT_OUTER)
            .switch(FollowUp)
            .join(interview, JOIN.LEFT_OUTER, on=(FollowUp.interview == interview.id))
            .where(FollowUp.done_at.is_null())
            .order_by(FollowUp.window_end, FollowUp.id)
        )
    ]


def _when(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def interview_summary(role: str, company: str) -> str:
    """ "Interview: Backend Engineer at Acme"."""
    return f"Interview: {role} at {company}"


def _interviewer_text(person: _Interviewer) -> str:
    about = " at ".join(part for part in (person.role, person.company) if part)
    return f"{person.name} ({about})" if about else person.name


def _event(entry: _InterviewEntry, stamp: datetime) -> Event:
    summary = interview_summary(entry.role, entry.company)
    lines = []
    if entry.interviewers:
        lines.append("Interviewers: " + ", ".join(map(_interviewer_text, entry.interviewers)))
    if entry.kind:
        lines.append(f"Round: {entry.kind}")
    if entry.notes.strip():
        lines.append(entry.notes.strip())
    event = Event()
    event.add("uid", entry.uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", entry.starts_at)
    event.add("dtend", entry.ends_at)
    event.add("summary", summary)
    if lines:
        event.add("description", "\n".join(lines))
    if entry.location:
        event.add("location", entry.location)
    # A cancelled round stays in the calendar as cancelled, the way its invitation left it.
    event.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
    if entry.cancelled:
        return event
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", -REMINDER)
    event.add_component(alarm)
    return event


def follow_up_summary(kind: str, contact: str) -> str:
    """ "Send a thank-you e-mail: Ann Lee"."""
    try:
        title = FOLLOW_UP_TITLES[FollowUpKind(kind)]
    except (KeyError, ValueError):
        title = FOLLOW_UP_TITLES[FollowUpKind.OTHER]
    return f"{title}: {contact}"


def _todo(entry: _FollowUpEntry, stamp: datetime) -> Todo:
    lines = [f"Window: {_when(entry.window_start)} – {_when(entry.window_end)}"]
    if entry.opportunity:
        lines.append(f"About: {entry.opportunity}")
    if entry.snoozed_until is not None:
        lines.append(f"Snoozed until {_when(entry.snoozed_until)}")
    if entry.note.strip():
        lines.append(entry.note.strip())
    todo = Todo()
    todo.add("uid", entry.uid)
    todo.add("dtstamp", stamp)
    todo.add("summary", follow_up_summary(entry.kind, entry.contact))
    todo.add("due", entry.window_end)
    todo.add("description", "\n".join(lines))
    todo.add("status", "NEEDS-ACTION")
    if entry.interview_uid:
        todo.add("related-to", entry.interview_uid)
    return todo


def _calendar(components: Sequence[Event | Todo]) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", CALENDAR_NAME)
    for component in components:
        calendar.add_component(component)
    return calendar


def _components(now: datetime | None) -> list[tuple[str, Event | Todo]]:
    stamp = (now or utc_now()).replace(microsecond=0, tzinfo=UTC)
    interviews, follow_ups = _entries()
    return [
        *((entry.uid, _event(entry, stamp)) for entry in interviews),
        *((entry.uid, _todo(entry, stamp)) for entry in follow_ups),
    ]


def interview_events(stamp: datetime) -> dict[str, str]:
    """Each interview as its own iCalendar text (an event with a reminder), by UID.

    Interviewers are named in the description, never as attendees: a server would e-mail
    attendees an invitation.
    """
    with reading():
        interviews = _interview_entries()
    return {
        entry.uid: _calendar([_event(entry, stamp)]).to_ical().decode("utf-8")
        for entry in interviews
    }


def export_calendar(*, now: datetime | None = None) -> tuple[str, int]:
    """Interviews and pending follow-ups as one iCalendar text; returns (text, entries).

    ``now`` (naive UTC) is the DTSTAMP of every entry.
    """
    components = _components(now)
    text = _calendar([component for _uid, component in components]).to_ical().decode("utf-8")
    return text, len(components)


def _same_but_stamp(before: bytes, after: bytes) -> bool:
    """Whether two exports of an entry differ only in when they were made (DTSTAMP)."""
    return _DTSTAMP.sub(b"", before) == _DTSTAMP.sub(b"", after)


def export_calendar_dir(directory: Path, *, now: datetime | None = None) -> ExportResult:
    """Each interview and pending follow-up as ``UID.ics`` in a vdir (vdirsyncer, khal).

    Entries that changed are rewritten; files of ours whose follow-up was done (or whose
    interview was deleted) are removed; files other programs put there are left alone.
    """
    items = [
        (vdir_file_name(uid, ".ics"), _calendar([component]).to_ical())
        for uid, component in _components(now)
    ]
    return sync_vdir(
        Path(directory),
        items,
        suffix=".ics",
        ours=f"PRODID:{PRODID}".encode(),
        same=_same_but_stamp,
    )


__all__ = [
    "CALENDAR_NAME",
    "PRODID",
    "REMINDER",
    "export_calendar",
    "export_calendar_dir",
    "follow_up_summary",
    "interview_summary",
]
