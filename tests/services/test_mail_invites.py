"""Invitations inside a mailbox: Google- and Outlook-style invitation e-mails (a REQUEST, a
reschedule, a CANCEL) become, move and cancel interviews as `crm import invite` does."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from crm.db.models import Interaction, Interview, MailProposal
from crm.services.mail.importing import summary_text
from crm.services.tx import reading
from tests.invite_fixtures import google_ics, google_mail, outlook_ics, outlook_mail
from tests.services.test_mail_import import ME, NOW, D, mbox, message, people, run

__all__ = ["people"]  # the fixture, shared with the mail import's tests

ANN = "Ann Lee <ann.lee@initech.example>"
START = datetime(2026, 12, 10, 18)
END = datetime(2026, 12, 10, 19)


def interviews() -> list[tuple[str, int, datetime, bool]]:
    with reading():
        return [
            (i.invite_uid, i.invite_sequence, i.starts_at, i.cancelled_at is not None)
            for i in Interview.select().order_by(Interview.invite_uid)
        ]


def _mailbox(tmp_path: Path) -> Path:
    google = google_ics(
        "g-1@google.com",
        START,
        END,
        attendees=[("Anna", ME, "ACCEPTED"), ("Кэти", "katya@initech.example", "NEEDS-ACTION")],
    )
    outlook = outlook_ics("o-1", datetime(2026, 12, 14, 9), datetime(2026, 12, 14, 10))
    moved = outlook_ics("o-1", datetime(2026, 12, 15, 9), datetime(2026, 12, 15, 10), sequence=1)
    cancel = google_ics("g-1@google.com", START, END, method="CANCEL", sequence=1)
    return mbox(
        tmp_path / "all.mbox",
        [
            google_mail(
                google,
                sender=ANN,
                to=ME,
                subject="Invitation: Interview",
                at=NOW - 5 * D,
                message_id="<g1@google.com>",
            ),
            message("ann.lee@initech.example", ME, "Plain", "No calendar here", at=NOW - 4 * D),
            # A recruiter crm doesn't know yet, writing from Initech's domain.
            outlook_mail(
                outlook,
                sender="Rita <rita@initech.example>",
                to=ME,
                subject="Second round",
                at=NOW - 4 * D,
                message_id="<o1@initech.example>",
            ),
            outlook_mail(
                moved,
                sender="Rita <rita@initech.example>",
                to=ME,
                subject="Updated: Second round",
                at=NOW - 3 * D,
                message_id="<o2@initech.example>",
            ),
            google_mail(
                cancel,
                sender=ANN,
                to=ME,
                subject="Cancelled event: Interview",
                at=NOW - 2 * D,
                message_id="<g2@google.com>",
            ),
            # Strangers only: never read, whatever it carries.
            outlook_mail(
                outlook_ics("s-1", datetime(2026, 12, 14, 9), datetime(2026, 12, 14, 10)),
                sender="someone@elsewhere.example",
                to=ME,
                subject="Unrelated",
                at=NOW - D,
                message_id="<s1@elsewhere.example>",
            ),
        ],
    )


def test_invitations_in_mail_schedule_reschedule_and_cancel(
    people: dict[str, int], tmp_path: Path
) -> None:
    path = _mailbox(tmp_path)
    result = run(path)
    assert result.interviews == (
        "Scheduled: “Interview” — Staff Engineer at Initech, 2026-12-10 18:00",
        "Scheduled: “Interview” — Staff Engineer at Initech, 2026-12-14 17:00",
        "Rescheduled: “Interview” — Staff Engineer at Initech, 2026-12-15 17:00",
        "Cancelled: “Interview” — Staff Engineer at Initech, 2026-12-10 18:00",
    )
    assert interviews() == [
        ("g-1@google.com", 1, START, True),
        ("o-1", 1, datetime(2026, 12, 15, 17), False),
    ]
    # The invitations from Ann are conversations with her too; Rita and Katya are proposed.
    with reading():
        assert Interaction.select().count() == 3
        assert sorted(p.address for p in MailProposal.select()) == [
            "katya@initech.example",
            "rita@initech.example",
        ]
    assert "Invitations: Scheduled: “Interview”" in summary_text(result)


def test_importing_the_mailbox_again_changes_no_interview(
    people: dict[str, int], tmp_path: Path
) -> None:
    path = _mailbox(tmp_path)
    run(path)
    before = interviews()
    copy = tmp_path / "copy.mbox"  # the same file again would be resumed at its end
    copy.write_bytes(path.read_bytes())
    again = run(copy, now=NOW + D)
    assert [line.split(":")[0] for line in again.interviews] == ["Already up to date"] * 4
    assert interviews() == before


def test_dry_run_reports_invitations_and_writes_nothing(
    people: dict[str, int], tmp_path: Path
) -> None:
    result = run(_mailbox(tmp_path), dry_run=True)
    assert len(result.interviews) == 4 and result.dry_run
    assert interviews() == []
    with reading():
        assert MailProposal.select().count() == 0


def test_unreadable_invitation_is_reported_and_the_message_still_logged(
    people: dict[str, int], tmp_path: Path
) -> None:
    broken = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:b\r\nEND:VEVENT\r\n"
    path = mbox(
        tmp_path / "b.mbox",
        [
            outlook_mail(
                broken + "END:VCALENDAR\r\n",
                sender=ANN,
                to=ME,
                subject="Broken",
                at=NOW - D,
                message_id="<b@x>",
            )
        ],
    )
    result = run(path)
    assert result.interviews == ("Unreadable invitation: Event b has no readable start (DTSTART).",)
    assert result.logged == 1 and interviews() == []


def test_your_replies_to_invitations_say_nothing(people: dict[str, int], tmp_path: Path) -> None:
    reply = google_ics("g-1@google.com", START, END, method="REPLY")
    path = mbox(
        tmp_path / "r.mbox",
        [
            google_mail(
                reply,
                sender=f"Anna <{ME}>",
                to=ANN,
                subject="Accepted: Interview",
                at=NOW - D,
                message_id="<r@x>",
            )
        ],
    )
    result = run(path)
    assert result.interviews == () and result.logged == 1 and interviews() == []
