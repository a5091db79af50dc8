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
from datetime import timedelta
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
        name = contact_name(tag, cycle)
        contact_id = contacts.create_contact(
            ContactDraft(name=name, company="Ørsted Ltd", email=f"c{tag}-{cycle}@example.test"),
            now=now,
        )
        report(f"contact {contact_id} {name}")
        if limit is not None and written >= limit:
            break
        summary = summary_text(tag, cycle)
        logged = conversations.log_conversation(
            LogDraft(
                contact_id=contact_id,
                channel=Channel.EMAIL,
                kind=InteractionKind.CHECK_IN,
                occurred_at=now,
                summary=summary,
                opportunity_id=opportunity_id,
                next_touch=now + timedelta(days=3),
            ),
            now=now,
        )
        (follow_up_id,) = logged.created_follow_up_ids
        report(f"conversation {logged.interaction_id} {contact_id} {follow_up_id} {summary}")
        if limit is not None and written >= limit:
            break
        followups.complete(follow_up_id, now=now)
        report(f"followup {follow_up_id}")
        cycle += 1


if __name__ == "__main__":
    main(sys.argv[1:])
