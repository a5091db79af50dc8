"""Follow-ups as tasks (VTODO), or as timed events for servers without tasks.

Each pending follow-up is a task that starts when its window opens (an alarm rings then, at
an absolute time: some servers refuse alarms relative to the end) and is due when it closes.
What the phone does comes back: ticked → done at that moment (so a thank-you e-mail ticked on
the phone still plans the handwritten note), due date moved → snoozed to it, deleted →
dismissed, with a line in the sync history.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from icalendar import Alarm, Calendar, Event, Todo
from peewee import JOIN, Expression

from crm.db.models import Company, Contact, FollowUp, Interview, Opportunity, SyncItem
from crm.db.typed import as_datetime, as_datetime_or_none, tuples
from crm.domain.followups import effective_window
from crm.domain.playbook import TITLES, WHY
from crm.domain.sync import SyncAction, SyncReport
from crm.domain.types import CANCELLED_BY_PHONE, FollowUpKind
from crm.domain.validation import InvalidInput
from crm.services import followups
from crm.services.calendar import PRODID
from crm.services.sync import state
from crm.services.sync.engine import LocalItem, Pulled
from crm.services.sync.state import ItemState
from crm.zone import user_zone

EVENT_MINUTES = 30


@dataclass(frozen=True)
class _Row:
    id: int
    uid: str
    kind: str
    contact_id: int
    contact: str
    email: str
    phone: str
    opportunity: str
    interview_uid: str
    window_start: datetime
    window_end: datetime
    snoozed_until: datetime | None
    done_at: datetime | None
    cancelled_by: str
    note: str
    created_at: datetime

    @property
    def title(self) -> str:
        try:
            kind = FollowUpKind(self.kind)
        except ValueError:
            kind = FollowUpKind.OTHER
        return f"{TITLES[kind]}: {self.contact}"

    @property
    def why(self) -> str:
        try:
            return WHY[FollowUpKind(self.kind)]
        except ValueError:
            return WHY[FollowUpKind.OTHER]


def _rows(where: Expression) -> list[_Row]:
    query = (
        FollowUp.select(
            FollowUp.id,
            FollowUp.uid,
            FollowUp.kind,
            Contact.id,
            Contact.name,
            Contact.email,
            Contact.phone,
            Opportunity.role,
            Company.name,
            Interview.uid,
            FollowUp.window_start,
            FollowUp.window_end,
            FollowUp.snoozed_until,
            FollowUp.done_at,
            FollowUp.cancelled_by,
            FollowUp.note,
            FollowUp.created_at,
        )
        .join(Contact, on=(FollowUp.contact == Contact.id))
        .switch(FollowUp)
        .join(Opportunity, JOIN.LEFT_OUTER, on=(FollowUp.opportunity == Opportunity.id))
        .join(Company, JOIN.LEFT_OUTER, on=(Opportunity.company == Company.id))
        .switch(FollowUp)
        .join(Interview, JOIN.LEFT_OUTER, on=(FollowUp.interview == Interview.id))
        .where(where)
    )
    return [
        _Row(
            fid,
            uid,
            kind,
            cid,
            name,
            email,
            phone,
            followups.opportunity_title(role, company) if role else "",
            interview_uid or "",
            as_datetime(start),
            as_datetime(end),
            as_datetime_or_none(snoozed),
            as_datetime_or_none(done),
            cancelled_by,
            note,
            as_datetime(created),
        )
        for (
            fid,
            uid,
            kind,
            cid,
            name,
            email,
            phone,
            role,
            company,
            interview_uid,
            start,
            end,
            snoozed,
            done,
            cancelled_by,
            note,
            created,
        ) in tuples(query)
    ]


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC)


def _window(row: _Row) -> tuple[datetime, datetime]:
    """(opens, due): a snooze to S moves both to S at the earliest, as the phone shows it."""
    start, _ = effective_window(row.window_start, row.window_end, row.snoozed_until)
    due = max(row.window_end, row.snoozed_until or row.window_end)
    return start, max(due, start)


def _description(row: _Row) -> str:
    lines = [row.why]
    if row.opportunity:
        lines.append(f"About: {row.opportunity}")
    if row.email:
        lines.append(f"E-mail: {row.email}")
    if row.phone:
        lines.append(f"Phone: {row.phone}")
    if row.note.strip():
        lines.append(row.note.strip())
    return "\n".join(lines)


def _alarm(summary: str, at: datetime) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", _utc(at), parameters={"VALUE": "DATE-TIME"})
    return alarm


def _status(row: _Row) -> str:
    if row.done_at is None:
        return "NEEDS-ACTION"
    return "CANCELLED" if row.cancelled_by else "COMPLETED"


def _todo(row: _Row) -> tuple[str, str]:
    start, due = _window(row)
    todo = Todo()
    todo.add("uid", row.uid)
    todo.add("dtstamp", _utc(row.created_at))
    todo.add("summary", row.title)
    todo.add("dtstart", _utc(start))
    todo.add("due", _utc(due))
    todo.add("description", _description(row))
    status = _status(row)
    todo.add("status", status)
    if status == "COMPLETED" and row.done_at is not None:
        todo.add("completed", _utc(row.done_at))
        todo.add("percent-complete", 100)
    if row.interview_uid:
        todo.add("related-to", row.interview_uid)
    if status == "NEEDS-ACTION":
        todo.add_component(_alarm(row.title, start))
    base = json.dumps({"due": due.isoformat(), "status": status})
    return _wrap(todo), base


def _event(row: _Row) -> tuple[str, str]:
    start, _ = _window(row)
    event = Event()
    event.add("uid", row.uid)
    event.add("dtstamp", _utc(row.created_at))
    event.add("summary", row.title)
    event.add("dtstart", _utc(start))
    event.add("dtend", _utc(start + timedelta(minutes=EVENT_MINUTES)))
    event.add("description", _description(row))
    event.add("transp", "TRANSPARENT")
    event.add_component(_alarm(row.title, start))
    base = json.dumps({"due": start.isoformat(), "status": "NEEDS-ACTION"})
    return _wrap(event), base


def _wrap(component: Todo | Event) -> str:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add_component(component)
    return calendar.to_ical().decode("utf-8")


def _component(body: str) -> Todo | Event | None:
    try:
        calendar = Calendar.from_ical(body)
    except ValueError:
        return None
    for component in calendar.walk():
        if isinstance(component, Todo | Event):
            return component
    return None


def _moment(component: Todo | Event, name: str) -> datetime | None:
    prop = component.get(name)
    if prop is None:
        return None
    value = prop.dt
    if not isinstance(value, datetime):  # a date alone: that day, from its start, the user's
        value = datetime(value.year, value.month, value.day)
    if value.tzinfo is None:  # floating: the time the user reads on their phone
        value = value.replace(tzinfo=user_zone())
    return value.astimezone(UTC).replace(tzinfo=None)


class FollowUpTasks:
    """The tasks collection (or, with ``tasks_as_events``, a calendar of timed events)."""

    kind = "calendar"
    content_type = "text/calendar"
    suffix = ".ics"

    def __init__(self, as_events: bool = False) -> None:
        self.as_events = as_events
        self.name = "tasks"

    def local(self, server_uids: dict[str, str]) -> dict[str, LocalItem]:
        # Pending follow-ups, and settled ones the server has, so it hears they were settled.
        synced = SyncItem.select(SyncItem.uid).where(
            (SyncItem.collection == self.name) & (SyncItem.state == "")
        )
        pending = FollowUp.done_at.is_null()
        where = pending if self.as_events else (pending | FollowUp.uid.in_(synced))
        items = {}
        for row in _rows(where):
            body, base = _event(row) if self.as_events else _todo(row)
            items[row.uid] = LocalItem(row.uid, body, base, row.title)
        return items

    def owns(self, uids: list[str]) -> set[str]:
        return {
            uid for (uid,) in tuples(FollowUp.select(FollowUp.uid).where(FollowUp.uid.in_(uids)))
        }

    def uid_of(self, body: str) -> str:
        component = _component(body)
        return str(component.get("uid", "")) if component is not None else ""

    def pulled(
        self, known: ItemState, body: str, now: datetime, report: SyncReport
    ) -> Pulled | None:
        component = _component(body)
        rows = _rows(FollowUp.uid == known.uid)
        if component is None or not rows:
            return Pulled(known.base, server_current=False)
        row = rows[0]
        base = json.loads(known.base) if known.base else {}
        status = str(component.get("status", "NEEDS-ACTION")).upper()
        due = _moment(component, "dtstart" if self.as_events else "due")
        if row.done_at is not None:
            return Pulled(known.base, server_current=status != "NEEDS-ACTION")
        if status == "COMPLETED":
            at = _moment(component, "completed") or now
            followups.complete(row.id, now=min(at, now))
            self._note(report, row, SyncAction.DONE_ON_PHONE, now)
        elif status == "CANCELLED":
            self._dismiss(row, now, report)
        elif (
            due is not None
            and base.get("due")
            and due.isoformat() != base["due"]
            # crm's own new date, sent by a sync stopped before it could note so, isn't a move
            and due != (_window(row)[0] if self.as_events else _window(row)[1])
        ):
            try:
                followups.snooze(row.id, due, now=now)
            except InvalidInput:
                report.note(
                    self.name, SyncAction.SNOOZED_ON_PHONE, row.title, "to the past: ignored"
                )
                return Pulled(known.base, server_current=False)
            self._note(report, row, SyncAction.SNOOZED_ON_PHONE, now, due=due.isoformat())
        return Pulled(known.base)

    def foreign(
        self, href: str, uid: str, body: str, now: datetime, report: SyncReport
    ) -> ItemState | None:
        component = _component(body)
        summary = str(component.get("summary", "")) if component is not None else ""
        return state.left_alone(report, self.name, href, uid, summary, now)

    def gone(self, known: ItemState, now: datetime, report: SyncReport) -> ItemState | None:
        rows = _rows(FollowUp.uid == known.uid)
        if not rows or rows[0].done_at is not None:
            return None
        self._dismiss(rows[0], now, report)
        return ItemState(known.uid, known.href, "", "", known.base, "deleted")

    def _dismiss(self, row: _Row, now: datetime, report: SyncReport) -> None:
        FollowUp.update(done_at=now, cancelled_by=CANCELLED_BY_PHONE).where(
            (FollowUp.id == row.id) & FollowUp.done_at.is_null()
        ).execute()
        self._note(report, row, SyncAction.DISMISSED_ON_PHONE, now)

    def _note(
        self, report: SyncReport, row: _Row, action: SyncAction, now: datetime, **detail: object
    ) -> None:
        state.tell(
            report,
            self.name,
            action,
            now,
            row.title,
            said=str(detail.get("due", "")),
            uid=row.uid,
            contact_id=row.contact_id,
            **detail,
        )
