"""Invitations applied to a real database: a REQUEST schedules (or proposes) an interview,
a later SEQUENCE reschedules, an older one changes nothing, a CANCEL cancels; every file
applied twice changes nothing the second time."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from crm.db.models import (
    Company,
    FollowUp,
    Interview,
    InterviewInterviewer,
    MailProposal,
    Opportunity,
)
from crm.domain.invites import CANCELLED_BY_INVITE, InviteError, parse_invitations
from crm.domain.types import ContactDraft, FollowUpKind, Stage
from crm.domain.validation import InvalidInput
from crm.services import interviews, opportunities
from crm.services.contacts import create_contact
from crm.services.conversations import timeline
from crm.services.followups import agenda
from crm.services.invites import (
    InviteImportResult,
    accept_proposed_interview,
    apply_invitation,
    import_invite_file,
)
from crm.services.tx import reading, writing
from crm.widgets.interviews_pane import opportunity_rows
from crm.widgets.row_keys import InterviewKey
from tests.invite_fixtures import google_ics, outlook_ics

NOW = datetime(2026, 12, 8, 15, 0)
D = timedelta(days=1)
ME = "anna@home.example"
START = datetime(2026, 12, 10, 18)
END = datetime(2026, 12, 10, 19)
ATTENDEES = [
    ("Anna Petrova", ME, "ACCEPTED"),
    ("Ann Lee", "ann.lee@initech.example", "ACCEPTED"),
    ("Bob Stone", "bob@initech.example", "NEEDS-ACTION"),
    ("Кэти Смирнова", "katya@initech.example", "NEEDS-ACTION"),
]


@pytest.fixture
def people(db_path: Path) -> dict[str, int]:
    """Ann and Bob at Initech (website initech.example), an open process there."""
    ann = create_contact(
        ContactDraft(name="Ann Lee", company="Initech", email="Ann.Lee@Initech.example"),
        now=NOW - 30 * D,
    )
    bob = create_contact(
        ContactDraft(name="Bob Stone", company="Initech", email="bob@initech.example"),
        now=NOW - 30 * D,
    )
    with writing():
        Company.update(website="https://initech.example").execute()
    opp = opportunities.add_opportunity("Initech", "Staff Engineer", now=NOW - 20 * D)
    return {"ann": ann, "bob": bob, "opp": opp}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(path: Path, **options: Any) -> InviteImportResult:
    values: dict[str, Any] = {"me": (ME,), "now": NOW}
    values.update(options)
    return import_invite_file(path, **values)


def state() -> dict[str, list[tuple[Any, ...]]]:
    """Every row an invitation may touch, to compare before and after."""
    with reading():
        return {
            "interview": list(Interview.select().tuples()),
            "interviewer": list(InterviewInterviewer.select().tuples()),
            "proposal": list(MailProposal.select().tuples()),
            "follow_up": list(FollowUp.select().tuples()),
            "opportunity": list(Opportunity.select().tuples()),
        }


def the_interview() -> Interview:
    with reading():
        return Interview.get()


def interviewer_ids(interview_id: int) -> set[int]:
    with reading():
        return {
            link.contact_id
            for link in InterviewInterviewer.select().where(
                InterviewInterviewer.interview == interview_id
            )
        }


def test_request_schedules_an_interview_with_known_interviewers(
    people: dict[str, int], tmp_path: Path
) -> None:
    path = write(tmp_path, "invite.ics", google_ics("g-1", START, END, attendees=ATTENDEES))
    result = run(path)
    [outcome] = result.outcomes
    assert outcome.action == "scheduled"
    assert outcome.line == ("Scheduled: “Interview” — Staff Engineer at Initech, 2026-12-10 18:00")
    interview = the_interview()
    assert interview.id == outcome.interview_id
    assert (interview.opportunity_id, interview.invite_uid, interview.invite_sequence) == (
        people["opp"],
        "g-1",
        0,
    )
    assert (interview.starts_at, interview.ends_at) == (START, END)
    assert interview.location == "https://meet.google.com/abc-defg-hij"
    assert interview.cancelled_at is None
    # The organiser (Ann) and Bob are known; the user is never an interviewer.
    assert interviewer_ids(interview.id) == {people["ann"], people["bob"]}
    # Katya, unknown at Initech's domain, is proposed as mail proposes strangers.
    assert outcome.proposed_contacts == ("katya@initech.example",)
    with reading():
        proposal = MailProposal.get(MailProposal.address == "katya@initech.example")
        assert (proposal.kind, proposal.name, proposal.state) == (
            "contact",
            "Кэти Смирнова",
            "pending",
        )
        assert Opportunity.get_by_id(people["opp"]).stage == Stage.INTERVIEWING.value


def test_declined_attendee_is_no_interviewer(people: dict[str, int], tmp_path: Path) -> None:
    declined = [("Bob Stone", "bob@initech.example", "DECLINED")]
    run(write(tmp_path, "i.ics", google_ics("g-1", START, END, attendees=declined)))
    assert interviewer_ids(the_interview().id) == {people["ann"]}


def test_same_file_twice_changes_nothing(people: dict[str, int], tmp_path: Path) -> None:
    path = write(tmp_path, "invite.ics", google_ics("g-1", START, END, attendees=ATTENDEES))
    run(path)
    before = state()
    [again] = run(path, now=NOW + D).outcomes
    assert again.action == "unchanged"
    assert again.line.startswith("Already up to date: “Interview” — Staff Engineer at Initech")
    assert state() == before


def test_higher_sequence_reschedules_and_older_changes_nothing(
    people: dict[str, int], tmp_path: Path
) -> None:
    run(write(tmp_path, "a.ics", outlook_ics("o-1", datetime(2026, 12, 10, 10), END)))
    moved = outlook_ics(
        "o-1",
        datetime(2026, 12, 11, 14),
        datetime(2026, 12, 11, 15, 30),
        sequence=1,
        location="Building 4, room 2",
    )
    [outcome] = run(write(tmp_path, "b.ics", moved)).outcomes
    assert outcome.action == "rescheduled"
    assert outcome.line == (
        "Rescheduled: “Interview” — Staff Engineer at Initech, 2026-12-11 22:00"
    )
    interview = the_interview()
    # 14:00 Pacific Standard Time is 22:00 UTC.
    assert (interview.starts_at, interview.ends_at) == (
        datetime(2026, 12, 11, 22),
        datetime(2026, 12, 11, 23, 30),
    )
    assert (interview.location, interview.invite_sequence) == ("Building 4, room 2", 1)
    before = state()
    [stale] = run(write(tmp_path, "a.ics", outlook_ics("o-1", START, END))).outcomes
    assert stale.action == "unchanged" and stale.line.startswith("Already up to date")
    assert state() == before


def test_cancel_keeps_the_interview_as_cancelled(people: dict[str, int], tmp_path: Path) -> None:
    run(write(tmp_path, "a.ics", google_ics("g-1", START, END, attendees=ATTENDEES)))
    interview_id = the_interview().id
    with writing():
        FollowUp.insert(
            contact=people["bob"],
            opportunity=people["opp"],
            interview=interview_id,
            kind=FollowUpKind.CHECK_IN.value,
            window_start=NOW,
            window_end=START,
        ).execute()
    assert people["opp"] not in {r.opportunity_id for r in agenda(now=NOW).rings_dropped}
    cancel = write(tmp_path, "c.ics", google_ics("g-1", START, END, method="CANCEL", sequence=1))
    [outcome] = run(cancel).outcomes
    assert outcome.action == "cancelled"
    assert outcome.line == "Cancelled: “Interview” — Staff Engineer at Initech, 2026-12-10 18:00"
    interview = the_interview()
    assert interview.cancelled_at == NOW and interview.done_at is None
    with reading():
        follow_up = FollowUp.get()
    assert (follow_up.done_at, follow_up.cancelled_by) == (NOW, CANCELLED_BY_INVITE)
    # No longer ahead: the process holds no ring by it, and the pane says cancelled.
    assert people["opp"] in {r.opportunity_id for r in agenda(now=NOW).rings_dropped}
    rows = opportunity_rows(opportunities.list_opportunities(), NOW)
    [row] = [row for row in rows if isinstance(row.key, InterviewKey)]
    assert (row.cells[0].split()[0], row.cells[2], row.tone) == ("✗", "cancelled", "done")
    [shown] = [e for e in timeline(opportunity_id=people["opp"], now=NOW) if e.what == "interview"]
    assert shown.title == "Interview (Interview) — cancelled"
    with pytest.raises(InvalidInput, match="was cancelled"):
        interviews.mark_interview_done(interview_id, now=NOW + 3 * D)
    before = state()
    [again] = run(cancel, now=NOW + D).outcomes
    assert again.action == "unchanged"
    assert state() == before
    # A later request brings it back, with what its cancellation put away.
    moved = google_ics("g-1", START + D, END + D, sequence=2)
    [back] = run(write(tmp_path, "d.ics", moved)).outcomes
    assert back.action == "rescheduled"
    assert the_interview().cancelled_at is None
    with reading():
        assert FollowUp.get().done_at is None


def test_no_open_process_proposes_the_interview_and_accepting_schedules_it(
    people: dict[str, int], tmp_path: Path
) -> None:
    ics = google_ics(
        "r-9",
        START,
        END,
        summary="Intro call — Globex",
        organizer=("Rita Recruiter", "rita@globex.example"),
        attendees=[("Anna", ME, "ACCEPTED"), ("Bob Stone", "bob@initech.example", "ACCEPTED")],
    )
    path = write(tmp_path, "r.ics", ics)
    # Bob is known but attends from Initech: the organiser comes first and is a stranger,
    # so Initech's process is found through Bob.
    [outcome] = run(path).outcomes
    assert outcome.action == "scheduled"
    with writing():
        Interview.delete().execute()
        Opportunity.update(stage=Stage.REJECTED.value).execute()
    [proposed] = run(path).outcomes
    assert proposed.action == "proposed"
    assert proposed.line == (
        "Proposed interview at Initech (no open process found), to review:"
        " “Intro call — Globex”, 2026-12-10 18:00"
    )
    with reading():
        row = MailProposal.get_by_id(proposed.proposal_id)
    assert (row.kind, row.address, row.name, row.state) == (
        "interview",
        "r-9",
        "Intro call — Globex",
        "pending",
    )
    assert row.company_id is not None
    detail = json.loads(row.detail)
    assert detail["uid"] == "r-9" and detail["starts_at"] == "2026-12-10T18:00:00"
    assert detail["organizer"] == {
        "name": "Rita Recruiter",
        "address": "rita@globex.example",
        "partstat": "",
    }
    assert [a["address"] for a in detail["attendees"]] == [ME, "bob@initech.example"]
    assert run(path).outcomes[0].action == "unchanged"
    other = opportunities.add_opportunity("Globex", "Platform Lead", now=NOW)
    interview_id = accept_proposed_interview(row.id, other, now=NOW)
    with reading():
        interview = Interview.get_by_id(interview_id)
        assert MailProposal.get_by_id(row.id).state == "accepted"
    assert (interview.opportunity_id, interview.invite_uid, interview.starts_at) == (
        other,
        "r-9",
        START,
    )
    assert interviewer_ids(interview_id) == {people["bob"]}
    with pytest.raises(InvalidInput, match="is accepted"):
        accept_proposed_interview(row.id, other, now=NOW)
    # Once scheduled, its invitation finds the interview itself.
    assert run(path).outcomes[0].line.startswith("Already up to date: “Intro call — Globex”")


def test_cancel_drops_a_pending_proposed_interview(db_path: Path, tmp_path: Path) -> None:
    request = write(tmp_path, "r.ics", google_ics("x-1", START, END))
    assert run(request).outcomes[0].action == "proposed"
    cancel = write(tmp_path, "c.ics", google_ics("x-1", START, END, method="CANCEL", sequence=1))
    assert run(cancel).outcomes[0].action == "cancelled"
    with reading():
        row = MailProposal.get()
    assert row.state == "cancelled"
    before = state()
    assert run(cancel).outcomes[0].action == "unchanged"
    assert run(request).outcomes[0].action == "unchanged"
    assert state() == before
    with pytest.raises(InvalidInput, match="is cancelled"):
        accept_proposed_interview(row.id, 1, now=NOW)


def test_cancel_of_an_unknown_invitation_changes_nothing(
    people: dict[str, int], tmp_path: Path
) -> None:
    before = state()
    cancel = write(tmp_path, "c.ics", google_ics("nope", START, END, method="CANCEL"))
    [outcome] = run(cancel).outcomes
    assert outcome.line == "Nothing to cancel: “Interview” is not in crm."
    assert state() == before


def test_several_open_processes_pick_the_most_recently_active(
    people: dict[str, int], tmp_path: Path
) -> None:
    newer = opportunities.add_opportunity("Initech", "Platform Lead", now=NOW - 2 * D)
    [outcome] = run(write(tmp_path, "a.ics", google_ics("g-2", START, END))).outcomes
    assert the_interview().opportunity_id == newer
    assert outcome.line.endswith(
        "(Initech has 2 open processes: chose Platform Lead, the most recently active)"
    )


def test_dry_run_writes_nothing(people: dict[str, int], tmp_path: Path) -> None:
    before = state()
    path = write(tmp_path, "a.ics", google_ics("g-1", START, END, attendees=ATTENDEES))
    result = run(path, dry_run=True)
    assert result.dry_run and result.outcomes[0].action == "scheduled"
    assert state() == before


def test_broken_or_missing_file_is_one_line_and_changes_nothing(
    people: dict[str, int], tmp_path: Path
) -> None:
    before = state()
    with pytest.raises(InviteError, match="doesn't exist"):
        run(tmp_path / "missing.ics")
    with pytest.raises(InviteError, match="Not an iCalendar file"):
        run(write(tmp_path, "bad.ics", "this is not a calendar"))
    # One good event and one broken: nothing of the file is applied.
    good = google_ics("g-1", START, END)
    broken = good.replace("UID:g-1", "UID:g-2").replace("DTSTART:", "DTSTART:x")
    with pytest.raises(InviteError, match="no readable start"):
        run(write(tmp_path, "half.ics", good + broken))
    assert state() == before


def test_reply_is_ignored(people: dict[str, int]) -> None:
    [reply] = parse_invitations(google_ics("g-1", START, END, method="REPLY"), UTC)
    outcome = apply_invitation(reply, me=(ME,), now=NOW)
    assert outcome.action == "ignored"
    assert state()["interview"] == []


def test_a_cancelled_invitation_survives_export_and_import(
    people: dict[str, int], tmp_path: Path
) -> None:
    from crm.db import close_database, migrate, open_database
    from crm.services import exchange

    run(write(tmp_path, "a.ics", google_ics("g-1", START, END, attendees=ATTENDEES)))
    with writing():
        FollowUp.insert(
            contact=people["bob"],
            interview=the_interview().id,
            kind=FollowUpKind.CHECK_IN.value,
            window_start=NOW,
            window_end=START,
        ).execute()
    run(write(tmp_path, "c.ics", google_ics("g-1", START, END, method="CANCEL", sequence=1)))
    document = exchange.export_json()
    close_database()
    open_database(tmp_path / "copy.sqlite3")
    migrate()
    exchange.import_json_text(document)
    interview = the_interview()
    assert (interview.invite_uid, interview.invite_sequence, interview.cancelled_at) == (
        "g-1",
        1,
        NOW,
    )
    # An older copy of the invitation still changes nothing after the restore.
    assert run(write(tmp_path, "r.ics", google_ics("g-1", END, END + D))).outcomes[0].action == (
        "unchanged"
    )
    with reading():
        assert FollowUp.get().cancelled_by == CANCELLED_BY_INVITE
    assert exchange.export_json() == document
