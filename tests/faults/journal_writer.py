"""A child process for the fault tests: writes through the real services and reports each commit.

Run as ``python journal_writer.py DB OPPORTUNITY_ID TAG [LIMIT]``. It repeats a cycle of three
writes: a new contact, a conversation with them about the opportunity (which schedules a
follow-up), and that follow-up marked done. After each write has committed it prints one
line to standard output and flushes it, so a parent that reads a line knows the write is
on disk (as far as SQLite promises) even if this process is killed right after:

    contact ID NAME
    conversation ID CONTACT_ID FOLLOW_UP_ID SUMMARY
    followup ID

It writes until killed, or until LIMIT writes when given. The lines are split on single
spaces; the last field (a name, a summary) may hold spaces itself.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

from crm.clock import utc_now
from crm.db import open_database
from crm.domain.types import Channel, ContactDraft, InteractionKind, LogDraft
from crm.services import contacts, conversations, followups


def contact_name(tag: str, cycle: int) -> str:
    """A name for the cycle's contact, non-ASCII so the search index gets real work."""
    return f"Zoë Łukasz 山田 {tag}-{cycle}"


def summary_text(tag: str, cycle: int) -> str:
    return f"Spoke about the role, cycle {tag}-{cycle} — ça va"


def main(argv: list[str]) -> None:
    db_path, opportunity_id, tag = Path(argv[0]), int(argv[1]), argv[2]
    limit = int(argv[3]) if len(argv) > 3 else None
    open_database(db_path)  # migrated by the parent
    out = sys.stdout
    written = 0
    cycle = 0

    def report(line: str) -> None:
        nonlocal written
        out.write(line + "\n")
        out.flush()
        written += 1

    while limit is None or written < limit:
        now = utc_now()
        draft = ContactDraft(
            name=contact_name(tag, cycle),
            company="Ørsted Ltd",
            email=f"c{tag}-{cycle}@example.test",
        )
        cycle_writes = write_cycle(
            draft, summary_text(tag, cycle), opportunity_id, channel=Channel.EMAIL, now=now
        )
        for line in cycle_writes:
            report(line)
            if limit is not None and written >= limit:
                break
        cycle += 1


def write_cycle(
    draft: ContactDraft,
    summary: str,
    opportunity_id: int,
    *,
    channel: Channel,
    now: datetime,
    follow_up_days: int = 3,
) -> Iterator[str]:
    """One cycle's three writes, yielding a report line after each has committed: a contact,
    a conversation about the opportunity (which schedules a follow-up), the follow-up done.
    Stop iterating to stop writing."""
    contact_id = contacts.create_contact(draft, now=now)
    yield f"contact {contact_id} {draft.name}"
    logged = conversations.log_conversation(
        LogDraft(
            contact_id=contact_id,
            channel=channel,
            kind=InteractionKind.CHECK_IN,
            occurred_at=now,
            summary=summary,
            opportunity_id=opportunity_id,
            next_touch=now + timedelta(days=follow_up_days),
        ),
        now=now,
    )
    (follow_up_id,) = logged.created_follow_up_ids
    yield f"conversation {logged.interaction_id} {contact_id} {follow_up_id} {summary}"
    followups.complete(follow_up_id, now=now)
    yield f"followup {follow_up_id}"


if __name__ == "__main__":
    main(sys.argv[1:])
