"""Interviews as calendar events, one way: crm's interviews are the truth.

An event edited on the phone is set back to crm's version (and the report says so: change the
interview in crm); an event deleted on the phone is not sent again, and is reported.
"""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar

from crm.db.models import Company, Interview, Opportunity
from crm.db.typed import tuples
from crm.domain.sync import SyncAction, SyncReport
from crm.services.calendar import interview_events, interview_summary
from crm.services.sync import state
from crm.services.sync.engine import LocalItem, Pulled
from crm.services.sync.state import ItemState

# Every event carries the same DTSTAMP, so an unchanged interview renders to the same bytes.
STAMP = datetime(2026, 1, 1, tzinfo=UTC)


def summary_of(body: str) -> tuple[str, str]:
    """(UID, SUMMARY) of the first event or task in an iCalendar text; blanks if unreadable."""
    try:
        calendar = Calendar.from_ical(body)
    except ValueError:
        return "", ""
    for component in calendar.walk():
        if component.name in ("VEVENT", "VTODO"):
            return str(component.get("uid", "")), str(component.get("summary", ""))
    return "", ""


class InterviewEvents:
    name = "events"
    kind = "calendar"
    content_type = "text/calendar"
    suffix = ".ics"

    def local(self, server_uids: dict[str, str]) -> dict[str, LocalItem]:
        return {
            uid: LocalItem(uid, body, "", summary_of(body)[1])
            for uid, body in interview_events(STAMP).items()
        }

    def owns(self, uids: list[str]) -> set[str]:
        return {
            uid for (uid,) in tuples(Interview.select(Interview.uid).where(Interview.uid.in_(uids)))
        }

    def uid_of(self, body: str) -> str:
        return summary_of(body)[0]

    def pulled(
        self, known: ItemState, body: str, now: datetime, report: SyncReport
    ) -> Pulled | None:
        if _exists(known.uid):
            what = _summary(known.uid)
            report.note(self.name, SyncAction.CHANGED_ON_PHONE, what, "crm's version sent back")
        return Pulled(server_current=False)

    def foreign(
        self, href: str, uid: str, body: str, now: datetime, report: SyncReport
    ) -> ItemState | None:
        return state.left_alone(report, self.name, href, uid, summary_of(body)[1], now)

    def gone(self, known: ItemState, now: datetime, report: SyncReport) -> ItemState | None:
        if not _exists(known.uid):
            return None
        what = _summary(known.uid)
        state.tell(report, self.name, SyncAction.KEPT_OFF_SERVER, now, what, uid=known.uid)
        return ItemState(known.uid, known.href, "", "", "", "deleted")


def _summary(uid: str) -> str:
    row = (
        Interview.select(Opportunity.role, Company.name)
        .join(Opportunity)
        .join(Company)
        .where(Interview.uid == uid)
        .tuples()
        .first()
    )
    return interview_summary(row[0], row[1]) if row else uid


def _exists(uid: str) -> bool:
    return any(tuples(Interview.select(Interview.id).where(Interview.uid == uid).limit(1)))
