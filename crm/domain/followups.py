"""Follow-up rules: when each next step is due, its state, and what a logged touch closes."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta, tzinfo

from crm.domain.types import Channel, Direction, FollowUpKind, FollowUpState, InteractionKind
from crm.domain.zones import to_local, to_utc

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
NO_DELAY = timedelta(0)

CHECK_IN_BUSINESS_DAYS = 2
""""I will get in touch in a couple of days if I don't hear from you": the default next touch."""

PROMISE_FOLLOW_UP_AT = time(9, 0)
"""Their promise is followed up the next business morning after it, at this local time."""

SNOOZE_GRACE = DAY
"""Once a snooze ends, the follow-up stays due at least this long before it turns overdue."""
THANK_YOU_CHANNELS = frozenset({Channel.EMAIL, Channel.LINKEDIN})
"""The thank-you e-mail may be a LinkedIn message: the interviewer reads both the same day."""


@dataclass(frozen=True)
class Window:
    """When a follow-up of one kind is due, as offsets from the moment it is counted from."""

    start: timedelta
    end: timedelta
    local_days: bool = False
    """Counted in the user's calendar days (a week keeps its wall-clock time across a DST
    change), not exact hours."""

    def around(self, counted_from: datetime, tz: tzinfo = UTC) -> tuple[datetime, datetime]:
        """The window's start and end for a follow-up counted from ``counted_from``."""
        if not self.local_days:
            return counted_from + self.start, counted_from + self.end
        local = to_local(counted_from, tz)
        return to_utc(local + self.start, tz), to_utc(local + self.end, tz)


WINDOWS: dict[FollowUpKind, Window] = {
    # Counted from the interview's end: 2 to 48 hours, per the playbook.
    FollowUpKind.THANK_YOU_EMAIL: Window(2 * HOUR, 48 * HOUR),
    # Counted from the logged thank-you e-mail (not the interview), so the note follows the e-mail.
    FollowUpKind.HANDWRITTEN_NOTE: Window(24 * HOUR, 48 * HOUR),
    # Counted from the interview's end: the referrer is re-invested while the interview is fresh.
    FollowUpKind.THANK_REFERRER: Window(NO_DELAY, 48 * HOUR),
    # Counted from the agreed next-touch moment; the user has the following 24 hours to act.
    FollowUpKind.CHECK_IN: Window(NO_DELAY, DAY, local_days=True),
    # Counted from the interview's end: telling the back channel is worth most while it is news.
    FollowUpKind.TELL_INTERVIEWED: Window(NO_DELAY, 48 * HOUR),
    # Counted from when a back-channel call becomes likely: reach out before the employer does.
    FollowUpKind.HEADS_UP: Window(NO_DELAY, 2 * DAY, local_days=True),
    # Counted from when the reference is handed to the employer.
    FollowUpKind.BRIEF_REFERENCE: Window(NO_DELAY, 2 * DAY, local_days=True),
    # Counted from when the reference was (probably) called.
    FollowUpKind.THANK_REFERENCE: Window(NO_DELAY, 48 * HOUR),
    # Casual and keep-in-touch nudges are low stakes, so they get a week.
    FollowUpKind.CASUAL_TOUCH: Window(NO_DELAY, 7 * DAY, local_days=True),
    FollowUpKind.KEEP_IN_TOUCH: Window(NO_DELAY, 7 * DAY, local_days=True),
    # Counted from the close: the people who helped hear how it ended within the week.
    FollowUpKind.TELL_OUTCOME: Window(NO_DELAY, 7 * DAY, local_days=True),
    FollowUpKind.OTHER: Window(NO_DELAY, DAY, local_days=True),
}


@dataclass(frozen=True)
class PlannedFollowUp:
    """A follow-up to create: who, what kind, and its due window (naive UTC)."""

    contact_id: int
    kind: FollowUpKind
    window_start: datetime
    window_end: datetime
    opportunity_id: int | None = None
    interview_id: int | None = None
    note: str = ""


@dataclass(frozen=True)
class PendingFollowUp:
    """An open follow-up of one contact, as much of it as a logged touch needs to see."""

    id: int
    kind: FollowUpKind
    opportunity_id: int | None
    window_start: datetime
    window_end: datetime
    interview_id: int | None = None
    since: datetime | None = None
    """What it waits on happened here (conversation, interview end, e-mail); earlier touches
    don't close it. None: any touch counts."""


@dataclass(frozen=True)
class Touch:
    """A logged interaction with one contact, as the follow-up rules see it."""

    occurred_at: datetime
    channel: Channel
    kind: InteractionKind
    direction: Direction
    opportunity_id: int | None = None


@dataclass(frozen=True)
class TouchOutcome:
    """What logging a touch does to follow-ups: which open ones close and which new ones start."""

    close_ids: tuple[int, ...]
    create: tuple[PlannedFollowUp, ...]


def plan_follow_up(
    kind: FollowUpKind,
    counted_from: datetime,
    contact_id: int,
    *,
    opportunity_id: int | None = None,
    interview_id: int | None = None,
    note: str = "",
    tz: tzinfo = UTC,
) -> PlannedFollowUp:
    """Plan a follow-up of ``kind`` whose window is counted from ``counted_from`` (see WINDOWS).

    Args:
        kind: The kind of follow-up; its window comes from ``WINDOWS``.
        counted_from: The moment the window is counted from (naive UTC).
        contact_id: Who to get in touch with.
        opportunity_id: The opportunity it is about, if any.
        interview_id: The interview it follows, if any.
        note: Free text shown with the follow-up.
        tz: The user's time zone, in which windows of whole days are counted.

    Returns:
        The follow-up to create.
    """
    window_start, window_end = WINDOWS[kind].around(counted_from, tz)
    return PlannedFollowUp(
        contact_id=contact_id,
        kind=kind,
        window_start=window_start,
        window_end=window_end,
        opportunity_id=opportunity_id,
        interview_id=interview_id,
        note=note,
    )


def thank_you_cadence(
    interview_end: datetime,
    interviewer_ids: Sequence[int],
    *,
    opportunity_id: int | None,
    interview_id: int | None,
    helper_ids: Sequence[int] = (),
    quiet: bool,
    already_thanked: Collection[int] = (),
) -> list[PlannedFollowUp]:
    """Plan an interview's follow-ups: a thank-you e-mail per interviewer, then the helpers.

    Each referrer and each person who pulled strings is thanked once per process: after the
    first round, and not again after later ones (``already_thanked`` names those thanked or
    planned for before). A helper who interviewed the user is left out, as their thank-you
    e-mail already reaches them, and a quiet process thanks no helper at all (a confidential
    search reaches out to no one beyond the interviewers).

    Args:
        interview_end: When the interview ended (naive UTC).
        interviewer_ids: The interviewers' contact ids; repeats are dropped, order is kept.
        opportunity_id: The interview's opportunity.
        interview_id: The interview.
        helper_ids: The process's referrers and people who pulled strings, in order.
        quiet: Whether the opportunity is a confidential search.
        already_thanked: Helpers this process already thanked (or interviewed with).

    Returns:
        The follow-ups to create, interviewers first.
    """
    unique_interviewer_ids = list(dict.fromkeys(interviewer_ids))
    planned = [
        plan_follow_up(
            FollowUpKind.THANK_YOU_EMAIL,
            interview_end,
            interviewer_id,
            opportunity_id=opportunity_id,
            interview_id=interview_id,
        )
        for interviewer_id in unique_interviewer_ids
    ]
    if quiet:
        return planned
    skipped = set(unique_interviewer_ids) | set(already_thanked)
    planned += [
        plan_follow_up(
            FollowUpKind.THANK_REFERRER,
            interview_end,
            helper_id,
            opportunity_id=opportunity_id,
            interview_id=interview_id,
        )
        for helper_id in dict.fromkeys(helper_ids)
        if helper_id not in skipped
    ]
    return planned


def explain_late(
    planned: Iterable[PlannedFollowUp], *, now: datetime, cause: str, cause_at: datetime
) -> list[PlannedFollowUp]:
    """Give follow-ups whose window has already ended as they are planned a note saying why.

    A follow-up born overdue (an interview marked done days after it happened) would
    otherwise look like the user's neglect; the note reads e.g. "planned late: the
    interview ended 5 days ago".

    Args:
        planned: The follow-ups about to be created.
        now: When they are planned (naive UTC).
        cause: What their windows are counted from, as words ("the interview ended").
        cause_at: When that happened (naive UTC).

    Returns:
        The same follow-ups, the late ones with the reason before any note they had.
    """
    reason = f"planned late: {cause} {_ago(now - cause_at)}"
    return [
        replace(plan, note=f"{reason}; {plan.note}" if plan.note else reason)
        if plan.window_end < now
        else plan
        for plan in planned
    ]


def _ago(span: timedelta) -> str:
    """ "5 days ago", "1 day ago", "30 h ago"."""
    if span >= DAY:
        days = span // DAY
        return f"{days} day ago" if days == 1 else f"{days} days ago"
    return f"{max(span // HOUR, 0)} h ago"


def tell_outcome_plans(
    closed_at: datetime, helper_ids: Sequence[int], *, opportunity_id: int, quiet: bool
) -> list[PlannedFollowUp]:
    """Plan "tell them how it ended" for each referrer and string-puller of a closed process.

    A quiet process tells no one (no outreach beyond the interviewers).
    """
    if quiet:
        return []
    return [
        plan_follow_up(
            FollowUpKind.TELL_OUTCOME, closed_at, helper_id, opportunity_id=opportunity_id
        )
        for helper_id in dict.fromkeys(helper_ids)
    ]


def handwritten_note_after(
    email_sent_at: datetime,
    contact_id: int,
    *,
    opportunity_id: int | None,
    interview_id: int | None,
) -> PlannedFollowUp:
    """Plan the handwritten note, 24 to 48 hours after the thank-you e-mail actually went out."""
    return plan_follow_up(
        FollowUpKind.HANDWRITTEN_NOTE,
        email_sent_at,
        contact_id,
        opportunity_id=opportunity_id,
        interview_id=interview_id,
    )


def check_in_at(
    at: datetime,
    contact_id: int,
    *,
    opportunity_id: int | None = None,
    note: str = "",
    tz: tzinfo = UTC,
) -> PlannedFollowUp:
    """Plan the user-owned next touch ("the ring") at ``at``."""
    return plan_follow_up(
        FollowUpKind.CHECK_IN, at, contact_id, opportunity_id=opportunity_id, note=note, tz=tz
    )


def promise_follow_up_at(promised_at: datetime, *, tz: tzinfo = UTC) -> datetime:
    """When to follow up their promise: the next business morning after their date.

    "I'll get back to you by Thursday" is their date, so the user waits out Thursday and
    follows up Friday at 09:00 (Monday after a Friday or a weekend), on the user's calendar.
    """
    local_day = to_local(promised_at, tz).date()
    morning = datetime.combine(local_day, PROMISE_FOLLOW_UP_AT)
    return to_utc(add_business_days(morning, 1), tz)


def add_business_days(moment: datetime, days: int) -> datetime:
    """Move ``moment`` by ``days`` working days, skipping weekends and keeping the time of day.

    Only weekdays are counted, so Friday + 2 and Saturday + 2 are both Tuesday. Zero days
    returns ``moment`` unchanged, even on a weekend; negative days count backwards.
    """
    step = DAY if days >= 0 else -DAY
    remaining = abs(days)
    while remaining:
        moment += step
        if moment.weekday() < 5:
            remaining -= 1
    return moment


def default_next_touch(conversation_at: datetime, *, tz: tzinfo = UTC) -> datetime:
    """The default next touch: two business days after the conversation, at the same local time.

    Weekends are judged on the user's calendar (``tz``): a Friday-evening call in New York is
    already Saturday in UTC.
    """
    local = to_local(conversation_at, tz)
    return to_utc(add_business_days(local, CHECK_IN_BUSINESS_DAYS), tz)


def effective_window(
    window_start: datetime, window_end: datetime, snoozed_until: datetime | None
) -> tuple[datetime, datetime]:
    """The window a follow-up is judged by, once a snooze has moved it.

    A snooze to S means "show it to me again at S", so the follow-up comes back at S as due
    (not instantly overdue) and stays due for at least ``SNOOZE_GRACE`` after S.
    """
    if snoozed_until is None:
        return window_start, window_end
    return max(window_start, snoozed_until), max(window_end, snoozed_until + SNOOZE_GRACE)


def follow_up_state(
    window_start: datetime,
    window_end: datetime,
    *,
    done_at: datetime | None,
    snoozed_until: datetime | None,
    now: datetime,
    tz: tzinfo = UTC,
    cancelled_by: str = "",
) -> FollowUpState:
    """Where a follow-up stands at ``now``.

    The window is closed at both ends: at exactly ``window_end`` (48 h after the interview, say)
    it is still due, one second later it is overdue. It is due soon in the last quarter of its
    window or when the window ends on today's date in the user's time zone ``tz``.

    Args:
        window_start: When it becomes due (naive UTC).
        window_end: The last moment it is on time (naive UTC).
        done_at: When it was done, if it was.
        snoozed_until: When a snooze ends, if it was snoozed.
        now: The current time (naive UTC).
        tz: The user's time zone, for "today".
        cancelled_by: What cancelled it ("close": its process closed), "" if nothing did.

    Returns:
        The state to show.
    """
    if done_at is not None:
        return FollowUpState.CANCELLED if cancelled_by else FollowUpState.DONE
    if snoozed_until is not None and now < snoozed_until:
        return FollowUpState.SNOOZED
    start, end = effective_window(window_start, window_end, snoozed_until)
    if now < start:
        return FollowUpState.UPCOMING
    if now > end:
        return FollowUpState.OVERDUE
    last_quarter_from = end - (end - start) / 4
    if now >= last_quarter_from or to_local(now, tz).date() == to_local(end, tz).date():
        return FollowUpState.DUE_SOON
    return FollowUpState.DUE


def how_late(window_end: datetime, now: datetime) -> str:
    """A short text for a row: "3 days late", "5 h late", "due in 2 days", "due now"."""
    delta = now - window_end
    span = abs(delta)
    if span < timedelta(minutes=1):
        return "due now"
    if span < HOUR:
        amount = f"{span // timedelta(minutes=1)} min"
    elif span < DAY:
        amount = f"{span // HOUR} h"
    else:
        days = span // DAY
        amount = f"{days} day" if days == 1 else f"{days} days"
    return f"{amount} late" if delta > timedelta(0) else f"due in {amount}"


def note_after_thank_you(
    contact_id: int,
    thanked: PendingFollowUp,
    sent_at: datetime,
    still_open: Iterable[PendingFollowUp],
    touch_opportunity_id: int | None = None,
) -> PlannedFollowUp | None:
    """The handwritten note a sent thank-you e-mail calls for, 24 to 48 hours after it.

    Logged or marked done, the e-mail was sent at ``sent_at``. None when a note is already open
    in the same thread (``still_open`` is the contact's other pending follow-ups).
    """
    opportunity_id = (
        thanked.opportunity_id if thanked.opportunity_id is not None else touch_opportunity_id
    )
    if any(
        follow_up.kind is FollowUpKind.HANDWRITTEN_NOTE
        and follow_up.id != thanked.id
        and same_thread(follow_up.opportunity_id, opportunity_id)
        for follow_up in still_open
    ):
        return None
    return handwritten_note_after(
        sent_at, contact_id, opportunity_id=opportunity_id, interview_id=thanked.interview_id
    )


def reconcile_on_touch(
    contact_id: int,
    touch: Touch,
    pending: Iterable[PendingFollowUp],
    *,
    next_touch: datetime | None,
    next_touch_note: str = "",
    tz: tzinfo = UTC,
) -> TouchOutcome:
    """Decide what a logged touch does to the contact's open follow-ups, so the app stops nagging.

    Any touch, a reply included, closes the check-ins of that thread; the specific act closes a
    thank-you task (see ``closes``). A thank-you e-mail that closes a pending thank-you e-mail
    plans the handwritten note 24 to 48 hours after it, unless one is already open. A next touch,
    when given, becomes the new check-in (the ring moves to it).

    Args:
        contact_id: The contact the touch was with.
        touch: The logged touch.
        pending: That contact's open (not done) follow-ups.
        next_touch: The next touch the user committed to, if any (naive UTC).
        next_touch_note: The new check-in's note (e.g. the promise it follows up).
        tz: The user's time zone: a check-in's window is a local day.

    Returns:
        The follow-up ids to mark done at ``touch.occurred_at`` and the follow-ups to create.
    """
    open_follow_ups = list(pending)
    closed = [follow_up for follow_up in open_follow_ups if closes(touch, follow_up)]
    closed_ids = {follow_up.id for follow_up in closed}
    create: list[PlannedFollowUp] = []

    closed_thank_yous = [f for f in closed if f.kind is FollowUpKind.THANK_YOU_EMAIL]
    if closed_thank_yous:
        thanked = max(closed_thank_yous, key=lambda follow_up: follow_up.window_start)
        still_open = [f for f in open_follow_ups if f.id not in closed_ids]
        note = note_after_thank_you(
            contact_id, thanked, touch.occurred_at, still_open, touch.opportunity_id
        )
        if note is not None:
            create.append(note)

    if next_touch is not None:
        create.append(
            check_in_at(
                next_touch,
                contact_id,
                opportunity_id=_moved_thread(touch, closed),
                note=next_touch_note,
                tz=tz,
            )
        )
    return TouchOutcome(close_ids=tuple(f.id for f in closed), create=tuple(create))


def closes(touch: Touch, follow_up: PendingFollowUp) -> bool:
    """Whether logging ``touch`` settles ``follow_up`` (same contact assumed)."""
    if not same_thread(follow_up.opportunity_id, touch.opportunity_id):
        return False
    if follow_up.since is not None and touch.occurred_at < follow_up.since:
        return False
    outbound = touch.direction is Direction.OUTBOUND
    match follow_up.kind:
        case FollowUpKind.CHECK_IN | FollowUpKind.KEEP_IN_TOUCH:
            # A reply means they aren't silent, so inbound touches count too.
            return True
        case FollowUpKind.THANK_YOU_EMAIL:
            return (
                outbound
                and touch.kind is InteractionKind.THANK_YOU
                and touch.channel in THANK_YOU_CHANNELS
            )
        case FollowUpKind.HANDWRITTEN_NOTE:
            return outbound and touch.channel is Channel.HANDWRITTEN_NOTE
        case FollowUpKind.THANK_REFERRER | FollowUpKind.THANK_REFERENCE:
            return outbound and touch.kind is InteractionKind.THANK_YOU
        case FollowUpKind.TELL_OUTCOME:
            # Telling them how it ended is news, whatever the kind it was logged as.
            return outbound
        case FollowUpKind.CASUAL_TOUCH:
            return outbound and touch.kind is InteractionKind.CASUAL
        case FollowUpKind.TELL_INTERVIEWED:
            return outbound and touch.kind is InteractionKind.BACK_CHANNEL
        case FollowUpKind.HEADS_UP:
            return outbound and touch.kind in (
                InteractionKind.BACK_CHANNEL,
                InteractionKind.REFERENCE,
            )
        case FollowUpKind.BRIEF_REFERENCE:
            return outbound and touch.kind is InteractionKind.REFERENCE
        case _:
            # OTHER says nothing about what would settle it, so only the user can close it.
            return False


def same_thread(follow_up_opportunity_id: int | None, touch_opportunity_id: int | None) -> bool:
    """Whether a touch belongs to a follow-up's thread: only two different opportunities differ."""
    return (
        follow_up_opportunity_id is None
        or touch_opportunity_id is None
        or follow_up_opportunity_id == touch_opportunity_id
    )


def _moved_thread(touch: Touch, closed: Sequence[PendingFollowUp]) -> int | None:
    """The opportunity of a new check-in: the touch's, else that of the check-ins it moves."""
    if touch.opportunity_id is not None:
        return touch.opportunity_id
    moved_from = {
        follow_up.opportunity_id
        for follow_up in closed
        if follow_up.kind is FollowUpKind.CHECK_IN and follow_up.opportunity_id is not None
    }
    return moved_from.pop() if len(moved_from) == 1 else None
