"""One message with one known contact logged as a conversation, as if the user had typed it:
the thank-you it is, the check-in it settles, the next touch it leaves. Shared by every
message source (mail, LinkedIn)."""

from __future__ import annotations

from datetime import datetime, tzinfo

from peewee import IntegrityError

from crm.domain import mail as rules
from crm.domain.mail import MailTally, SkipReason
from crm.domain.types import Channel, Direction, InteractionKind, LogDraft
from crm.domain.validation import InvalidInput
from crm.services.conversations import follow_up_title, log_conversation
from crm.services.followups import pending_of
from crm.services.tx import reading

THEIR_MESSAGE = "their message: your reply moves the ring"
"""Why a received message plans no check-in of its own (the agenda shows the ring as yours)."""


def log_message(
    contact_id: int,
    direction: Direction,
    occurred_at: datetime,
    message_id: str,
    summary: str,
    *,
    channel: Channel,
    now: datetime,
    tz: tzinfo,
    tally: MailTally,
) -> None:
    """Log one message with ``contact_id``, counting it (or why not) in ``tally``.

    Sent inside an open thank-you window it is the thank-you (settling it plans the
    handwritten note); any message settles a check-in waiting for it; one the user sent
    leaves the default next touch, or the day its own words commit to.
    """
    outbound = direction is Direction.OUTBOUND
    kind, opportunity_id = InteractionKind.CHECK_IN, None
    if outbound:
        with reading():
            thank_you = rules.thank_you_window(pending_of(contact_id), occurred_at)
        if thank_you is not None:
            kind, opportunity_id = InteractionKind.THANK_YOU, thank_you.opportunity_id
    draft = LogDraft(
        contact_id=contact_id,
        channel=channel,
        kind=kind,
        occurred_at=occurred_at,
        summary=summary,
        direction=direction,
        opportunity_id=opportunity_id,
        use_default_next=outbound,
        no_next_reason="" if outbound else THEIR_MESSAGE,
        read_commitment=outbound,
        message_id=message_id,
    )
    try:
        result = log_conversation(draft, now=now, tz=tz)
    except IntegrityError:
        tally.skip(SkipReason.DUPLICATE)  # logged by another crm a moment ago
        return
    except InvalidInput as error:
        tally.skip(str(error))
        return
    tally.logged += 1
    tally.settled.extend(f"{follow_up_title(n.kind)} — {n.contact}" for n in result.settled)
    tally.planned.extend(f"{follow_up_title(n.kind)} — {n.contact}" for n in result.planned)
