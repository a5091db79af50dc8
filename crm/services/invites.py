"""Calendar invitations become interviews: a REQUEST schedules one (or proposes it when no
open process is found), a later SEQUENCE reschedules it, a CANCEL cancels it. Each
invitation is applied in one transaction, and applying it again changes nothing.

A proposed interview is a ``MailProposal`` of kind "interview": ``address`` is the
invitation's UID, ``name`` its summary, ``company`` the company when one is known, and
``detail`` the invitation as JSON, an object with these fields:

- ``method`` (str): "REQUEST", "PUBLISH" or "CANCEL".
- ``uid`` (str), ``sequence`` (int): the invitation's UID and SEQUENCE.
- ``summary`` (str), ``location`` (str), ``description`` (str): as the organiser wrote them,
  control characters removed.
- ``starts_at``, ``ends_at`` (str): ISO 8601, naive UTC ("2026-12-10T18:00:00").
- ``all_day`` (bool): an all-day event (starting at the user's midnight).
- ``organizer``: ``{"name", "address", "partstat"}`` or null; ``attendees``: a list of those
  (address lower-cased; name and partstat "" when not given).
- ``cancelled`` (bool): the invitation was cancelled (the proposal's state is then
  "cancelled").
- ``stamp`` (str or null): its DTSTAMP, ISO 8601 naive UTC.

``crm.domain.invites.from_detail`` reads it back; ``accept_proposed_interview`` turns it
into an interview. Its ``state`` is "pending" until then, "accepted" after, and "cancelled"
when the invitation is cancelled first (a later update makes it "pending" again).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from email.message import EmailMessage, Message
from pathlib import Path

from peewee import fn

from crm.clock import utc_now
from crm.db.models import (
    Company,
    Contact,
    FollowUp,
    Interaction,
    Interview,
    InterviewInterviewer,
    MailProposal,
    Opportunity,
)
from crm.db.typed import as_datetime, tuples
from crm.domain.invites import (
    CANCEL,
    CANCELLED_BY_INVITE,
    PUBLISH,
    REQUEST,
    Invitation,
    InviteError,
    from_detail,
    parse_invitations,
)
from crm.domain.mail import Proposal, domain_of, is_no_reply
from crm.domain.types import CLOSED_STAGES
from crm.domain.validation import InvalidInput
from crm.services.followups import opportunity_title
from crm.services.interviews import add_interview
from crm.services.mail.people import Known, known_people, save_proposals
from crm.services.opportunities import NotFound
from crm.services.tx import rolled_back_if, writing
from crm.zone import local_text

MAX_FILE_BYTES = 5 * 1024 * 1024
"""An invitation is a few kilobytes; a file far bigger is something else."""

KIND_CHARS = 80
"""How much of an invitation's summary names the round (the pane shows it beside the time)."""


@dataclass(frozen=True)
class InviteOutcome:
    """What applying one invitation did."""

    action: str
    """scheduled, rescheduled, cancelled, proposed, unchanged or ignored."""
    line: str
    """One line for the user: "Scheduled: Interview — Staff Engineer at Initech, …"."""
    interview_id: int | None = None
    proposal_id: int | None = None
    proposed_contacts: tuple[str, ...] = ()
    """Addresses of attendees proposed as contacts for review."""


@dataclass(frozen=True)
class InviteImportResult:
    """What ``crm import invite`` did (or, with dry_run, would do)."""

    source: str
    dry_run: bool
    outcomes: tuple[InviteOutcome, ...]

    @property
    def lines(self) -> tuple[str, ...]:
        return tuple(outcome.line for outcome in self.outcomes)


def import_invite_file(
    path: Path,
    *,
    me: Sequence[str] = (),
    dry_run: bool = False,
    now: datetime | None = None,
    tz: tzinfo = UTC,
) -> InviteImportResult:
    """Apply every invitation of the .ics file at ``path``, all in one transaction.

    Raises:
        InviteError: the file can't be read or is no calendar; nothing is applied.
    """
    try:
        if path.is_dir():
            raise IsADirectoryError
        # Read no more than the limit: a device or a pipe has no size to check beforehand.
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise InviteError(f"{path.name} is too big for an invitation (over 5 MB).")
    except FileNotFoundError as error:
        raise InviteError(f"{path} doesn't exist.") from error
    except IsADirectoryError as error:
        raise InviteError(f"{path} is a folder, not an .ics file.") from error
    except OSError as error:
        raise InviteError(f"{path.name}: {error.strerror}.") from error
    invitations = parse_invitations(data, tz)
    moment = now or utc_now()
    with rolled_back_if(dry_run), writing():
        outcomes = apply_invitations(invitations, me=me, now=moment, tz=tz)
    return InviteImportResult(str(path.resolve()), dry_run, tuple(outcomes))


def import_configured_invite(
    path: Path,
    *,
    dry_run: bool = False,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> InviteImportResult:
    """``import_invite_file`` with the user's [mail] me and time zone (the app's import;
    ``progress`` is accepted like the other imports', and unused: an invitation is small)."""
    from crm.config import current_settings
    from crm.zone import user_zone

    return import_invite_file(
        path, me=current_settings().mail.me, dry_run=dry_run, now=now, tz=user_zone()
    )


def summary_text(result: InviteImportResult) -> str:
    """One paragraph of plain text: each invitation's line, and whom it proposes."""
    text = " ".join(result.lines)
    proposed = [a for outcome in result.outcomes for a in outcome.proposed_contacts]
    if proposed:
        text += f" {len(proposed):,} people to review, not created ({', '.join(proposed)})."
    return text


def apply_invitations(
    invitations: Iterable[Invitation],
    *,
    me: Sequence[str] = (),
    now: datetime,
    tz: tzinfo = UTC,
    known: Known | None = None,
    seen: datetime | None = None,
) -> list[InviteOutcome]:
    """Apply invitations in order, all in one transaction (see ``apply_invitation``)."""
    with writing():
        people = known or known_people(tuple(me))
        return [
            apply_invitation(one, me=me, now=now, tz=tz, known=people, seen=seen)
            for one in invitations
        ]


def apply_invitation(
    invitation: Invitation,
    *,
    me: Sequence[str] = (),
    now: datetime,
    tz: tzinfo = UTC,
    known: Known | None = None,
    seen: datetime | None = None,
) -> InviteOutcome:
    """Apply one invitation in one transaction.

    A new REQUEST schedules an interview for the open opportunity of the organiser's or an
    attendee's company (known contacts among them, except the user, are its interviewers;
    strangers at that company's mail domain are proposed as contacts); with no such
    opportunity it is proposed as an interview. A known UID with a higher SEQUENCE
    reschedules; a CANCEL cancels. Anything else says it changed nothing.

    Args:
        invitation: what the calendar says.
        me: the user's own addresses ([mail] me), never an interviewer.
        now: the moment it is applied (naive UTC).
        tz: the user's zone, for the times in the returned line.
        known: the contacts and company domains (built when not given).
        seen: when the invitation arrived (its message's date), for proposals.
    """
    with writing():
        people = known or known_people(tuple(me))
        moment = seen or invitation.stamp or now
        if invitation.method not in (REQUEST, PUBLISH, CANCEL):
            return InviteOutcome(
                "ignored",
                f"Ignored: a {invitation.method} for “{_name(invitation)}” (not an invitation).",
            )
        interview = Interview.get_or_none(Interview.invite_uid == invitation.uid)
        if interview is not None:
            return _update(interview, invitation, people, me, now, tz)
        proposal = MailProposal.get_or_none(
            (MailProposal.kind == "interview") & (MailProposal.address == invitation.uid)
        )
        if proposal is not None:
            return _update_proposal(proposal, invitation, moment, tz)
        if invitation.cancelled:
            return InviteOutcome(
                "unchanged", f"Nothing to cancel: “{_name(invitation)}” is not in crm."
            )
        company_id, opportunity_id, note = _find_opportunity(invitation, people, me)
        if opportunity_id is None:
            return _propose_interview(invitation, company_id, moment, tz)
        interview_id = _schedule(invitation, opportunity_id, people, me, now)
        proposed = _propose_contacts(invitation, people, me, company_id, moment)
        return InviteOutcome(
            "scheduled",
            f"Scheduled: {_described(invitation, opportunity_id, tz)}{note}",
            interview_id=interview_id,
            proposed_contacts=proposed,
        )


def accept_proposed_interview(
    proposal_id: int, opportunity_id: int, *, now: datetime, me: Sequence[str] | None = None
) -> int:
    """Schedule the interview a proposal holds for ``opportunity_id``; returns its id.

    The proposal is marked accepted; its known attendees become the interviewers, never the
    user (``me``: the ``[mail] me`` addresses, read from the config when not given).

    Raises:
        NotFound: no such proposed interview or opportunity.
        InvalidInput: the proposal was already handled, or its invitation was cancelled.
    """
    with writing():
        proposal = MailProposal.get_or_none(
            (MailProposal.id == proposal_id) & (MailProposal.kind == "interview")
        )
        if proposal is None:
            raise NotFound(f"There is no proposed interview #{proposal_id}.")
        if proposal.state not in ("pending", "skipped"):
            raise InvalidInput(f"The proposed interview #{proposal_id} is {proposal.state}.")
        if Opportunity.get_or_none(Opportunity.id == opportunity_id) is None:
            raise NotFound(f"There is no opportunity #{opportunity_id}.")
        try:
            invitation = from_detail(proposal.detail)
        except InviteError as error:
            raise InvalidInput(str(error)) from error
        if Interview.get_or_none(Interview.invite_uid == invitation.uid) is not None:
            raise InvalidInput(f"The interview of “{_name(invitation)}” is already scheduled.")
        if me is None:
            from crm.config import current_settings

            me = current_settings().mail.me
        people = known_people(tuple(me))
        interview_id = _schedule(invitation, opportunity_id, people, me, now)
        company_id = int(Opportunity.get_by_id(opportunity_id).company.id)
        _propose_contacts(invitation, people, me, company_id, proposal.last_seen)
        MailProposal.update(state="accepted", company=company_id).where(
            MailProposal.id == proposal_id
        ).execute()
        return interview_id


def message_invitations(
    message: EmailMessage,
    *,
    me: Sequence[str],
    known: Known,
    now: datetime,
    tz: tzinfo,
    seen: datetime | None,
) -> list[str]:
    """Apply the invitations an e-mail carries (text/calendar parts, .ics attachments);
    returns a line for each (an unreadable one says so; replies to them say nothing). The
    same event sent twice in one message (Google's calendar part and its invite.ics) is
    applied once."""
    lines: list[str] = []
    done: set[tuple[str, int, bool]] = set()
    for part in calendar_parts(message):
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        try:
            invitations = parse_invitations(payload, tz)
        except InviteError as error:
            lines.append(f"Unreadable invitation: {error}")
            continue
        for invitation in invitations:
            key = (invitation.uid, invitation.sequence, invitation.cancelled)
            if key in done:
                continue
            done.add(key)
            outcome = apply_invitation(invitation, me=me, now=now, tz=tz, known=known, seen=seen)
            if outcome.action != "ignored":  # replies (Accepted: …) fill a mailbox
                lines.append(outcome.line)
    return lines


def calendar_parts(message: Message) -> list[Message]:
    """The parts of a message that hold a calendar: text/calendar, application/ics, or an
    attachment named *.ics."""
    found = []
    for part in message.walk():
        if part.is_multipart():
            continue
        kind = part.get_content_type()
        name = (part.get_filename() or "").casefold()
        if kind in ("text/calendar", "application/ics") or name.endswith(".ics"):
            found.append(part)
    return found


def _update(
    interview: Interview,
    invitation: Invitation,
    known: Known,
    me: Sequence[str],
    now: datetime,
    tz: tzinfo,
) -> InviteOutcome:
    """A REQUEST or CANCEL for an interview crm already has."""
    what = _described(invitation, interview.opportunity_id, tz)
    stale = invitation.sequence < interview.invite_sequence or (
        invitation.sequence == interview.invite_sequence
        and (not invitation.cancelled or interview.cancelled_at is not None)
    )
    if stale:
        return InviteOutcome("unchanged", f"Already up to date: {what}", interview_id=interview.id)
    if interview.done_at is not None:
        Interview.update(invite_sequence=invitation.sequence).where(
            Interview.id == interview.id
        ).execute()
        return InviteOutcome(
            "unchanged", f"Already held, left as it was: {what}", interview_id=interview.id
        )
    if invitation.cancelled:
        Interview.update(cancelled_at=now, invite_sequence=invitation.sequence).where(
            Interview.id == interview.id
        ).execute()
        # Whatever was planned around a round that won't happen (a heads-up, a reminder).
        FollowUp.update(done_at=now, cancelled_by=CANCELLED_BY_INVITE).where(
            (FollowUp.interview == interview.id) & FollowUp.done_at.is_null()
        ).execute()
        return InviteOutcome("cancelled", f"Cancelled: {what}", interview_id=interview.id)
    minutes = _minutes(invitation)
    Interview.update(
        starts_at=invitation.starts_at,
        ends_at=invitation.starts_at + timedelta(minutes=minutes),
        location=invitation.location,
        kind=invitation.summary[:KIND_CHARS],
        invite_sequence=invitation.sequence,
        cancelled_at=None,
    ).where(Interview.id == interview.id).execute()
    if interview.cancelled_at is not None:
        FollowUp.update(done_at=None, cancelled_by="").where(
            (FollowUp.interview == interview.id)
            & (FollowUp.cancelled_by == CANCELLED_BY_INVITE)
            & (FollowUp.window_end > now)
        ).execute()
    _add_interviewers(interview.id, _interviewer_ids(invitation, known, me))
    return InviteOutcome("rescheduled", f"Rescheduled: {what}", interview_id=interview.id)


def _update_proposal(
    proposal: MailProposal, invitation: Invitation, seen: datetime, tz: tzinfo
) -> InviteOutcome:
    """A REQUEST or CANCEL for an interview proposed earlier (not yet accepted)."""
    what = f"“{_name(invitation)}”, {local_text(invitation.starts_at, tz)}"
    try:
        held = from_detail(proposal.detail)
    except InviteError:
        held = None
    cancelled = proposal.state == "cancelled"
    if held is not None and (
        invitation.sequence < held.sequence
        or (invitation.sequence == held.sequence and (not invitation.cancelled or cancelled))
    ):
        return InviteOutcome(
            "unchanged", f"Already up to date (proposed): {what}", proposal_id=proposal.id
        )
    if proposal.state == "accepted":
        return InviteOutcome("unchanged", f"Already accepted: {what}", proposal_id=proposal.id)
    state = proposal.state
    if invitation.cancelled and state == "pending":
        state = "cancelled"
    elif not invitation.cancelled and state in ("cancelled", "skipped"):
        state = "pending"  # news of a round the user put off: worth another look
    MailProposal.update(
        name=invitation.summary,
        detail=invitation.to_detail(),
        state=state,
        last_seen=max(proposal.last_seen, seen),
    ).where(MailProposal.id == proposal.id).execute()
    if invitation.cancelled:
        line = f"Cancelled (was proposed, never scheduled): {what}"
        return InviteOutcome("cancelled", line, proposal_id=proposal.id)
    line = f"Rescheduled (proposed, to review): {what}"
    return InviteOutcome("rescheduled", line, proposal_id=proposal.id)


def _find_opportunity(
    invitation: Invitation, known: Known, me: Sequence[str]
) -> tuple[int | None, int | None, str]:
    """The company and open opportunity an invitation is about, from its organiser's or
    attendees' company (a known contact's, else a company domain), and a note when the
    company has several open processes (the most recently active is taken)."""
    mine = set(me)
    fallback: int | None = None
    for person in invitation.people:
        if person.address in mine:
            continue
        company_id: int | None = None
        contact_id = known.contact_of.get(person.address)
        if contact_id is not None:
            company_id = Contact.get_by_id(contact_id).company_id
        candidates = open_opportunities_by_activity(company_id)
        if not candidates:
            fallback = fallback or company_id
            company_id = known.company_of_domain.get(domain_of(person.address))
            candidates = open_opportunities_by_activity(company_id)
        if candidates:
            note = ""
            if len(candidates) > 1:
                company = Company.get_by_id(company_id).name
                role = Opportunity.get_by_id(candidates[0]).role
                note = (
                    f" ({company} has {len(candidates)} open processes:"
                    f" chose {role}, the most recently active)"
                )
            return company_id, candidates[0], note
    return fallback, None, ""


def open_opportunities_by_activity(company_id: int | None) -> list[int]:
    """The company's open opportunities, most recently active first (its last change,
    conversation or round); none for no company."""
    if company_id is None:
        return []
    closed = [stage.value for stage in CLOSED_STAGES]
    rows = tuples(
        Opportunity.select(Opportunity.id, Opportunity.updated_at).where(
            (Opportunity.company == company_id) & Opportunity.stage.not_in(closed)
        )
    )
    activity: dict[int, datetime] = {oid: as_datetime(updated) for oid, updated in rows}
    if len(activity) > 1:
        for model, moment in (
            (Interaction, Interaction.occurred_at),
            (Interview, Interview.starts_at),
        ):
            latest = (
                model.select(model.opportunity, fn.MAX(moment))
                .where(model.opportunity.in_(list(activity)))
                .group_by(model.opportunity)
            )
            for oid, last in tuples(latest):
                activity[oid] = max(activity[oid], as_datetime(last))
    return sorted(activity, key=lambda oid: (activity[oid], oid), reverse=True)


def _schedule(
    invitation: Invitation,
    opportunity_id: int,
    known: Known,
    me: Sequence[str],
    now: datetime,
) -> int:
    interview_id = add_interview(
        opportunity_id,
        invitation.starts_at,
        interviewer_ids=_interviewer_ids(invitation, known, me),
        minutes=_minutes(invitation),
        kind=invitation.summary[:KIND_CHARS],
        now=now,
    )
    Interview.update(
        location=invitation.location,
        notes=invitation.description,
        invite_uid=invitation.uid,
        invite_sequence=invitation.sequence,
        cancelled_at=None,
    ).where(Interview.id == interview_id).execute()
    return interview_id


def _minutes(invitation: Invitation) -> int:
    """The round's length in minutes, as an interview may last (1 minute to a day)."""
    span = int((invitation.ends_at - invitation.starts_at).total_seconds() // 60)
    return min(max(span, 1), 24 * 60)


def _interviewer_ids(invitation: Invitation, known: Known, me: Sequence[str]) -> list[int]:
    """Known contacts among the organiser and attendees, except the user and those who
    declined."""
    mine = set(me)
    found: dict[int, None] = {}
    for person in invitation.people:
        contact_id = known.contact_of.get(person.address)
        if contact_id is None or person.address in mine or person.partstat == "DECLINED":
            continue
        found.setdefault(contact_id)
    return list(found)


def _add_interviewers(interview_id: int, contact_ids: list[int]) -> None:
    if contact_ids:
        InterviewInterviewer.insert_many(
            [{"interview": interview_id, "contact": c} for c in contact_ids]
        ).on_conflict_ignore().execute()


def _propose_contacts(
    invitation: Invitation,
    known: Known,
    me: Sequence[str],
    company_id: int | None,
    seen: datetime,
) -> tuple[str, ...]:
    """Propose the attendees unknown to crm at the company's mail domain, as mail does."""
    if company_id is None:
        return ()
    mine = set(me)
    proposals = [
        Proposal(person.address, person.name, company_id, seen, seen, messages=1)
        for person in invitation.people
        if person.address not in mine
        and person.address not in known.contact_of
        and not is_no_reply(person.address)
        and known.company_of_domain.get(domain_of(person.address)) == company_id
    ]
    waiting = save_proposals(proposals)
    return tuple(proposal.address for proposal in proposals if proposal.address in waiting)


def _propose_interview(
    invitation: Invitation, company_id: int | None, seen: datetime, tz: tzinfo
) -> InviteOutcome:
    proposal_id = int(
        MailProposal.insert(
            kind="interview",
            address=invitation.uid,
            name=invitation.summary,
            company=company_id,
            first_seen=seen,
            last_seen=seen,
            messages=1,
            detail=invitation.to_detail(),
        ).execute()
    )
    company = f" at {Company.get_by_id(company_id).name}" if company_id is not None else ""
    line = (
        f"Proposed interview{company} (no open process found), to review:"
        f" “{_name(invitation)}”, {local_text(invitation.starts_at, tz)}"
    )
    return InviteOutcome("proposed", line, proposal_id=proposal_id)


def _described(invitation: Invitation, opportunity_id: int, tz: tzinfo) -> str:
    """ "“Interview” — Staff Engineer at Initech, 2026-12-10 10:00, with Ann Lee"."""
    row = list(
        tuples(
            Opportunity.select(Opportunity.role, Company.name)
            .join(Company)
            .where(Opportunity.id == opportunity_id)
        )
    )
    role, company = row[0] if row else ("", "")
    when = local_text(invitation.starts_at, tz)
    if invitation.all_day:
        when = when.split(" ")[0] + " (all day)"
    return f"“{_name(invitation)}” — {opportunity_title(role, company)}, {when}"


def _name(invitation: Invitation) -> str:
    return invitation.summary or invitation.uid


__all__ = [
    "InviteError",
    "InviteImportResult",
    "InviteOutcome",
    "accept_proposed_interview",
    "apply_invitation",
    "apply_invitations",
    "calendar_parts",
    "import_configured_invite",
    "import_invite_file",
    "message_invitations",
    "summary_text",
]
