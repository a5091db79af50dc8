"""Opportunities: add, edit, move through stages (closing settles follow-ups), helpers, lists."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import fields, replace
from datetime import datetime
from typing import Any

from peewee import fn

from crm.clock import utc_now
from crm.config import current_settings
from crm.db.models import (
    Company,
    Contact,
    FollowUp,
    Interview,
    InterviewInterviewer,
    Opportunity,
)
from crm.db.typed import tuples
from crm.domain.followups import tell_outcome_plans
from crm.domain.types import (
    CANCELLED_BY_CLOSE,
    CANCELLED_BY_REOPEN,
    FollowUpKind,
    HelperRole,
    InterviewSummary,
    OpportunityDetails,
    OpportunitySummary,
    Stage,
    StageChange,
)
from crm.domain.validation import InvalidInput, checked_details, one_line
from crm.services.contacts import company_id_for
from crm.services.followups import create_follow_ups, follow_up_notes
from crm.services.process_people import add_helpers, helpers_by_opportunity
from crm.services.process_people import helper_ids as helper_ids_of
from crm.services.process_people import remove_helper as remove_helper_row
from crm.services.tx import reading, writing

STAGE_ORDER = list(Stage)


class NotFound(LookupError):
    """The opportunity or interview asked for doesn't exist."""


def add_opportunity(
    company: str,
    role: str,
    *,
    referrer_ids: Sequence[int] = (),
    pulled_strings_ids: Sequence[int] = (),
    referrer_id: int | None = None,
    quiet: bool = False,
    stage: Stage = Stage.APPLIED,
    details: OpportunityDetails | None = None,
    now: datetime | None = None,
) -> int:
    """Start tracking a role at a company; returns the opportunity's id.

    ``referrer_id`` is the one-referrer spelling of ``referrer_ids``; someone named both as a
    referrer and as pulling strings is recorded once, as a referrer.
    """
    moment = now or utc_now()
    role = one_line(role)
    if not role:
        raise InvalidInput("An opportunity needs a role.")
    checked = checked_details(details or OpportunityDetails())
    referrers = [*([referrer_id] if referrer_id is not None else []), *referrer_ids]
    people = helper_list(referrers, pulled_strings_ids)
    with writing():
        company_id = company_id_for(company, now=moment)
        if company_id is None:
            raise InvalidInput("An opportunity needs a company.")
        opportunity_id = int(
            Opportunity.insert(
                company=company_id,
                role=role,
                stage=stage.value,
                quiet=quiet,
                created_at=moment,
                updated_at=moment,
                closed_at=None if stage.is_open else moment,
                **_detail_columns(checked),
            ).execute()
        )
        add_helpers(opportunity_id, people)
        return opportunity_id


def _detail_columns(details: OpportunityDetails) -> dict[str, object]:
    """The opportunity columns that hold ``details``."""
    return {f.name: getattr(details, f.name) for f in fields(OpportunityDetails)}


def _details_of(row: Opportunity) -> OpportunityDetails:
    return OpportunityDetails(**{f.name: getattr(row, f.name) for f in fields(OpportunityDetails)})


def edit_opportunity(
    opportunity_id: int,
    *,
    company: str | None = None,
    role: str | None = None,
    quiet: bool | None = None,
    details: OpportunityDetails | Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> str:
    """Change what was typed about an opportunity (not its stage: `set_stage` settles that).

    ``None`` leaves a field as it is; ``details`` replaces them all, or, as a mapping, only
    the ones it names (``{"salary": "€80k"}``).

    Returns:
        The opportunity's "Role at Company" after the change.
    """
    moment = now or utc_now()
    if role is not None:
        role = one_line(role)
        if not role:
            raise InvalidInput("An opportunity needs a role.")
    with writing():
        row = Opportunity.get_or_none(Opportunity.id == opportunity_id)
        if row is None:
            raise NotFound(f"There is no opportunity #{opportunity_id}.")
        current = _details_of(row)
        wanted = (
            current
            if details is None
            else details
            if isinstance(details, OpportunityDetails)
            else replace(current, **details)
        )
        changes: dict[str, object] = {
            "updated_at": moment,
            **_detail_columns(checked_details(wanted)),
        }
        if role is not None:
            changes["role"] = role
        if quiet is not None:
            changes["quiet"] = quiet
        company_name = row.company.name
        if company is not None:
            company_id = company_id_for(company, now=moment)
            if company_id is None:
                raise InvalidInput("An opportunity needs a company.")
            changes["company"] = company_id
            company_name = Company.get_by_id(company_id).name
        Opportunity.update(changes).where(Opportunity.id == opportunity_id).execute()
        return f"{role or row.role} at {company_name}"


def get_opportunity(opportunity_id: int) -> OpportunitySummary:
    """One opportunity with its people, interviews and details; raises NotFound."""
    found = _summaries(opportunity_id)
    if not found:
        raise NotFound(f"There is no opportunity #{opportunity_id}.")
    return found[0]


def helper_list(
    referrer_ids: Sequence[int], pulled_strings_ids: Sequence[int] = ()
) -> list[tuple[int, HelperRole]]:
    """Referrers then string-pullers, each person once (a referrer stays a referrer)."""
    people: dict[int, HelperRole] = {}
    for cid in referrer_ids:
        people.setdefault(cid, HelperRole.REFERRER)
    for cid in pulled_strings_ids:
        people.setdefault(cid, HelperRole.PULLED_STRINGS)
    return list(people.items())


def set_stage(
    opportunity_id: int,
    stage: Stage,
    *,
    now: datetime | None = None,
    after_process_days: int | None = None,
) -> StageChange:
    """Move an opportunity to another stage; closing or reopening it settles its follow-ups.

    Closing (an open stage to a closed one) cancels its pending follow-ups (kept in history as
    cancelled by the close), plans "tell them how it ended" for its referrers and string-pullers
    and the reference thank-yous, and hands its interviewers and helpers who have no
    keep-in-touch interval one of ``after_process_days`` (default: the config's), so the
    going-cold watch keeps them after the search. Reopening brings back what that close
    cancelled that is still ahead, and cancels what it planned. Moving between two closed
    stages changes only the stage.

    Returns:
        What the move did, for the CLI and the app to say.
    """
    moment = now or utc_now()
    with writing():
        before = Opportunity.get_or_none(Opportunity.id == opportunity_id)
        if before is None:
            raise NotFound(f"There is no opportunity #{opportunity_id}.")
        was_open = Stage(before.stage).is_open
        closed_at = None if stage.is_open else (moment if was_open else before.closed_at)
        Opportunity.update(stage=stage.value, updated_at=moment, closed_at=closed_at).where(
            Opportunity.id == opportunity_id
        ).execute()
        title = f"{before.role} at {before.company.name}"
        if was_open and not stage.is_open:
            if after_process_days is None:
                after_process_days = current_settings().after_process_days
            cancelled, planned, handed_over = _close(
                opportunity_id, bool(before.quiet), moment, after_process_days
            )
            return StageChange(
                title,
                stage,
                cancelled=cancelled,
                planned=tuple(follow_up_notes(planned)),
                handed_over=handed_over,
                keep_in_touch_days=after_process_days,
            )
        if not was_open and stage.is_open and before.closed_at is not None:
            restored, cancelled = _reopen(opportunity_id, before.closed_at, moment)
            return StageChange(title, stage, cancelled=cancelled, restored=restored)
        return StageChange(title, stage)


CLOSE_PLANNED_KINDS = (FollowUpKind.TELL_OUTCOME.value, FollowUpKind.THANK_REFERENCE.value)
"""What a close plans; reopening the process cancels those still pending."""


def _close(
    opportunity_id: int, quiet: bool, moment: datetime, interval_days: int
) -> tuple[int, list[int], int]:
    """Settle a process that just closed (inside the closing transaction).

    Returns:
        How many follow-ups it cancelled, the ids it planned, how many people it handed over.
    """
    from crm.services.references import plan_thanks_on_close

    cancelled = (
        FollowUp.update(done_at=moment, cancelled_by=CANCELLED_BY_CLOSE)
        .where((FollowUp.opportunity == opportunity_id) & FollowUp.done_at.is_null())
        .execute()
    )
    planned = list(plan_thanks_on_close(opportunity_id, now=moment))
    helpers = helper_ids_of(opportunity_id)
    planned += create_follow_ups(
        tell_outcome_plans(moment, helpers, opportunity_id=opportunity_id, quiet=quiet),
        now=moment,
    )
    interviewers = (
        InterviewInterviewer.select(InterviewInterviewer.contact)
        .join(Interview)
        .where(Interview.opportunity == opportunity_id)
    )
    handed_over = (
        Contact.update(keep_in_touch_days=interval_days)
        .where(
            Contact.keep_in_touch_days.is_null()
            & (Contact.id.in_(interviewers) | Contact.id.in_(helpers))
        )
        .execute()
    )
    return cancelled, planned, handed_over


def _reopen(opportunity_id: int, closed_at: datetime, moment: datetime) -> tuple[int, int]:
    """Undo what the close at ``closed_at`` did to a process's follow-ups, where it still can.

    Returns:
        How many follow-ups came back, and how many of the close's plans were cancelled.
    """
    restored = (
        FollowUp.update(done_at=None, cancelled_by="")
        .where(
            (FollowUp.opportunity == opportunity_id)
            & (FollowUp.cancelled_by == CANCELLED_BY_CLOSE)
            & (FollowUp.done_at == closed_at)
            & (FollowUp.window_end > moment)
        )
        .execute()
    )
    cancelled = (
        FollowUp.update(done_at=moment, cancelled_by=CANCELLED_BY_REOPEN)
        .where(
            (FollowUp.opportunity == opportunity_id)
            & FollowUp.done_at.is_null()
            & FollowUp.kind.in_(CLOSE_PLANNED_KINDS)
            & (FollowUp.created_at == closed_at)
        )
        .execute()
    )
    return restored, cancelled


def next_stage(stage: Stage, step: int = 1) -> Stage:
    """The stage ``step`` places along the pipeline, stopping at either end."""
    index = min(max(STAGE_ORDER.index(stage) + step, 0), len(STAGE_ORDER) - 1)
    return STAGE_ORDER[index]


def opportunity_label(opportunity_id: int | None) -> str:
    """ "Role at Company" for an opportunity id (empty for None)."""
    if opportunity_id is None:
        return ""
    with reading():
        row = (
            Opportunity.select(Opportunity.role, Company.name)
            .join(Company)
            .where(Opportunity.id == opportunity_id)
            .tuples()
            .first()
        )
    return f"{row[0]} at {row[1]}" if row else ""


def list_opportunities(*, include_closed: bool = True) -> list[OpportunitySummary]:
    """Every opportunity with its interviews, in pipeline order, newest first within a stage."""
    summaries = _summaries()
    if not include_closed:
        summaries = [s for s in summaries if s.stage.is_open]
    summaries.sort(key=lambda s: STAGE_ORDER.index(s.stage))
    return summaries


def _summaries(only: int | None = None) -> list[OpportunitySummary]:
    """Every opportunity (or just the one with id ``only``), newest first."""

    def of_one(column: Any) -> Any:
        return True if only is None else column == only

    with reading():
        rows = list(
            Opportunity.select(Opportunity, Company)
            .join(Company)
            .where(of_one(Opportunity.id))
            .order_by(Opportunity.created_at.desc(), Opportunity.id.desc())
        )
        helpers = helpers_by_opportunity(None if only is None else [only])
        interviewers: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for interview_id, contact_id, name in tuples(
            InterviewInterviewer.select(InterviewInterviewer.interview, Contact.id, Contact.name)
            .join(Contact)
            .switch(InterviewInterviewer)
            .join(Interview)
            .where(of_one(Interview.opportunity))
            .order_by(InterviewInterviewer.id)
        ):
            interviewers[interview_id].append((contact_id, name))
        interviews: dict[int, list[InterviewSummary]] = defaultdict(list)
        for iid, oid, starts, ends, kind, done, cancelled in tuples(
            Interview.select(
                Interview.id,
                Interview.opportunity,
                Interview.starts_at,
                Interview.ends_at,
                Interview.kind,
                Interview.done_at,
                Interview.cancelled_at,
            )
            .where(of_one(Interview.opportunity))
            .order_by(Interview.starts_at)
        ):
            interviews[oid].append(
                InterviewSummary(
                    iid, oid, starts, ends, kind, done, tuple(interviewers[iid]), cancelled
                )
            )
        pending = dict(
            tuples(
                FollowUp.select(FollowUp.opportunity, fn.COUNT(FollowUp.id))
                .where(
                    FollowUp.done_at.is_null()
                    & FollowUp.opportunity.is_null(False)
                    & of_one(FollowUp.opportunity)
                )
                .group_by(FollowUp.opportunity)
            )
        )
    return [
        OpportunitySummary(
            id=row.id,
            company=row.company.name,
            role=row.role,
            stage=Stage(row.stage),
            quiet=bool(row.quiet),
            helpers=tuple(helpers.get(row.id, ())),
            interviews=tuple(interviews[row.id]),
            pending_follow_ups=pending.get(row.id, 0),
            details=_details_of(row),
            created_at=row.created_at,
            closed_at=row.closed_at,
        )
        for row in rows
    ]


def add_helper(
    opportunity_id: int,
    contact_id: int,
    role: HelperRole = HelperRole.REFERRER,
    *,
    now: datetime | None = None,
) -> None:
    """Record a referrer (or one who pulled strings) of an opportunity; a repeat sets the role."""
    with writing():
        _touch_opportunity(opportunity_id, now)
        add_helpers(opportunity_id, [(contact_id, role)])


def remove_helper(opportunity_id: int, contact_id: int, *, now: datetime | None = None) -> None:
    """Forget that a contact referred the user to (or pulled strings for) an opportunity."""
    with writing():
        _touch_opportunity(opportunity_id, now)
        if not remove_helper_row(opportunity_id, contact_id):
            raise InvalidInput(
                f"Contact #{contact_id} isn't a referrer of opportunity #{opportunity_id}."
            )


def set_helpers(
    opportunity_id: int,
    people: Sequence[tuple[int, HelperRole]],
    *,
    now: datetime | None = None,
) -> None:
    """Make ``people`` the whole list of an opportunity's helpers (the form saves this way)."""
    with writing():
        _touch_opportunity(opportunity_id, now)
        wanted = {cid for cid, _ in people}
        for helper in helpers_by_opportunity([opportunity_id]).get(opportunity_id, []):
            if helper.id not in wanted:
                remove_helper_row(opportunity_id, helper.id)
        add_helpers(opportunity_id, people)


def _touch_opportunity(opportunity_id: int, now: datetime | None) -> None:
    """Mark an opportunity changed, or raise NotFound."""
    updated = (
        Opportunity.update(updated_at=now or utc_now())
        .where(Opportunity.id == opportunity_id)
        .execute()
    )
    if not updated:
        raise NotFound(f"There is no opportunity #{opportunity_id}.")
