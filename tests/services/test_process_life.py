"""The life of a process against a real SQLite file: its helpers, its rounds as touches,
closing it (the marathon starts where the process ends) and reopening it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crm.db.models import Contact, FollowUp
from crm.domain.cold import ColdContact
from crm.domain.followups import PlannedFollowUp
from crm.domain.types import ContactDraft, FollowUpKind, FollowUpState, HelperRole, Stage
from crm.domain.validation import InvalidInput
from crm.services import (
    conversations,
    followups,
    interviews,
    opportunities,
    references,
    suggestions,
)
from crm.services.contacts import create_contact, get_contact
from crm.services.followups import create_follow_ups
from crm.services.tx import reading, writing

NOW = datetime(2026, 11, 18, 15, 0)
H = timedelta(hours=1)
D = timedelta(days=1)


def person(name: str, company: str = "Acme", *, added: datetime = NOW - 30 * D) -> int:
    return create_contact(ContactDraft(name=name, company=company), now=added)


def cold_contacts(now: datetime) -> tuple[list[ColdContact], int]:
    with reading():
        return suggestions.cold_contacts(now)


def follow_ups(opportunity_id: int) -> list[tuple[int, str, datetime | None, str]]:
    """(contact, kind, done at, cancelled by) of an opportunity's follow-ups, by id."""
    with reading():
        return list(
            FollowUp.select(
                FollowUp.contact, FollowUp.kind, FollowUp.done_at, FollowUp.cancelled_by
            )
            .where(FollowUp.opportunity == opportunity_id)
            .order_by(FollowUp.id)
            .tuples()
        )


def keep_in_touch(contact_id: int) -> int | None:
    with reading():
        return Contact.get_by_id(contact_id).keep_in_touch_days


def check_in(contact_id: int, opportunity_id: int, end: datetime) -> int:
    with writing():
        [follow_up_id] = create_follow_ups(
            [PlannedFollowUp(contact_id, FollowUpKind.CHECK_IN, end - D, end, opportunity_id)],
            now=NOW - 10 * D,
        )
    return follow_up_id


@pytest.fixture
def process(db_path: Path) -> dict[str, int]:
    """Staff Engineer at Acme: referred by Katie and Rita, Sam pulled strings; Ann and Bo
    interviewed the user in yesterday's round (done), and each owes a check-in."""
    ids = {
        "katie": person("Katie Referrer", "Globex"),
        "rita": person("Rita Referrer", "Initech"),
        "sam": person("Sam Strings", "Hooli"),
        "ann": person("Ann Lee"),
        "bo": person("Bo Interviewer"),
    }
    ids["opp"] = opportunities.add_opportunity(
        "Acme",
        "Staff Engineer",
        referrer_ids=[ids["katie"], ids["rita"]],
        pulled_strings_ids=[ids["sam"]],
        now=NOW - 20 * D,
    )
    ids["interview"] = interviews.add_interview(
        ids["opp"], NOW - D - 2 * H, interviewer_ids=[ids["ann"], ids["bo"]], now=NOW - 10 * D
    )
    interviews.mark_interview_done(ids["interview"], now=NOW - D)
    ids["check_in"] = check_in(ids["ann"], ids["opp"], NOW + 3 * D)
    return ids


# --- several helpers ------------------------------------------------------------------------


def test_a_process_keeps_every_referrer_and_who_pulled_strings(process: dict[str, int]) -> None:
    [summary] = opportunities.list_opportunities()
    assert [(h.id, h.role) for h in summary.helpers] == [
        (process["katie"], HelperRole.REFERRER),
        (process["rita"], HelperRole.REFERRER),
        (process["sam"], HelperRole.PULLED_STRINGS),
    ]
    assert summary.helper_names(HelperRole.REFERRER) == "Katie Referrer, Rita Referrer"


def test_helpers_are_added_and_removed_later(process: dict[str, int]) -> None:
    bo, opp = process["bo"], process["opp"]
    opportunities.add_helper(opp, bo, HelperRole.PULLED_STRINGS, now=NOW)
    opportunities.remove_helper(opp, process["rita"], now=NOW)
    opportunities.add_helper(opp, process["sam"], HelperRole.REFERRER, now=NOW)
    [summary] = opportunities.list_opportunities()
    assert [(h.name, h.role) for h in summary.helpers] == [
        ("Katie Referrer", HelperRole.REFERRER),
        ("Sam Strings", HelperRole.REFERRER),
        ("Bo Interviewer", HelperRole.PULLED_STRINGS),
    ]
    with pytest.raises(InvalidInput):
        opportunities.remove_helper(opp, process["rita"], now=NOW)
    with pytest.raises(InvalidInput):
        opportunities.add_helper(opp, 999, now=NOW)


def test_an_unknown_helper_writes_no_opportunity(db_path: Path) -> None:
    katie = person("Katie")
    with pytest.raises(InvalidInput):
        opportunities.add_opportunity("Acme", "Engineer", referrer_ids=[katie, 999], now=NOW)
    assert opportunities.list_opportunities() == []


def test_each_helper_is_thanked_once_after_the_first_round_only(process: dict[str, int]) -> None:
    thanked = [(c, k) for c, k, *_ in follow_ups(process["opp"]) if k == "thank-referrer"]
    assert thanked == [
        (process["katie"], "thank-referrer"),
        (process["rita"], "thank-referrer"),
        (process["sam"], "thank-referrer"),
    ]
    second = interviews.add_interview(
        process["opp"], NOW - 3 * H, interviewer_ids=[process["bo"]], now=NOW - D
    )
    created = interviews.mark_interview_done(second, now=NOW)
    with reading():
        kinds = [FollowUp.get_by_id(fid).kind for fid in created]
    assert kinds == ["thank-you-email"]


def test_a_helper_who_interviewed_is_not_thanked_as_a_helper_later(db_path: Path) -> None:
    katie, ann = person("Katie"), person("Ann")
    opp = opportunities.add_opportunity("Acme", "Engineer", referrer_ids=[katie], now=NOW - 9 * D)
    first = interviews.add_interview(opp, NOW - 5 * D, interviewer_ids=[katie], now=NOW - 9 * D)
    interviews.mark_interview_done(first, now=NOW - 4 * D)
    second = interviews.add_interview(opp, NOW - 2 * H, interviewer_ids=[ann], now=NOW - D)
    interviews.mark_interview_done(second, now=NOW)
    assert [k for c, k, *_ in follow_ups(opp) if c == katie] == ["thank-you-email"]


# --- an interview is a touch -----------------------------------------------------------------


def test_on_the_interview_day_the_interviewer_is_not_never_in_touch(db_path: Path) -> None:
    # The scenario: Ann was added 25 days ago; as an interviewer in an open process
    # her interval is 21 days, so without the interview she is "4 days past the interval".
    ann = person("Ann Lee", added=NOW - 25 * D)
    opp = opportunities.add_opportunity("Acme", "Engineer", now=NOW - 25 * D)
    interview = interviews.add_interview(opp, NOW - 3 * H, interviewer_ids=[ann], now=NOW - D)
    cold_before, _ = cold_contacts(NOW)
    assert [(c.name, c.last_touch_at, c.days_over) for c in cold_before] == [("Ann Lee", None, 4)]

    interviews.mark_interview_done(interview, now=NOW)

    cold, total = cold_contacts(NOW)
    assert (cold, total) == ([], 0)
    assert suggestions.today(now=NOW).going_cold == ()
    assert get_contact(ann, now=NOW).last_touch_at == NOW - 2 * H
    # Three weeks of silence after the interview, and she is going cold again, counted from it.
    [later] = cold_contacts(NOW + 22 * D)[0]  # an interviewer's default interval: 21 days
    assert (later.last_touch_at, later.days_silent) == (NOW - 2 * H, 22)


def test_a_later_conversation_is_still_the_last_touch(db_path: Path) -> None:
    ann = person("Ann Lee")
    opp = opportunities.add_opportunity("Acme", "Engineer", now=NOW - 9 * D)
    interview = interviews.add_interview(opp, NOW - 5 * D, interviewer_ids=[ann], now=NOW - 9 * D)
    interviews.mark_interview_done(interview, now=NOW - 4 * D)
    assert get_contact(ann, now=NOW).last_touch_at == NOW - 5 * D + H
    from crm.domain.types import Channel, InteractionKind, LogDraft

    conversations.log_conversation(
        LogDraft(ann, Channel.CALL, InteractionKind.CHECK_IN, NOW - D, opportunity_id=opp),
        now=NOW,
        tz=UTC,
    )
    assert get_contact(ann, now=NOW).last_touch_at == NOW - D


def test_a_scheduled_interview_is_not_yet_a_touch(db_path: Path) -> None:
    ann = person("Ann Lee")
    opp = opportunities.add_opportunity("Acme", "Engineer", now=NOW - 9 * D)
    interviews.add_interview(opp, NOW + D, interviewer_ids=[ann], now=NOW)
    assert get_contact(ann, now=NOW).last_touch_at is None


# --- late follow-ups -------------------------------------------------------------------------


def test_an_interview_marked_done_late_says_why_its_follow_ups_are_overdue(db_path: Path) -> None:
    ann, katie = person("Ann Lee"), person("Katie")
    opp = opportunities.add_opportunity("Acme", "Engineer", referrer_ids=[katie], now=NOW - 9 * D)
    interview = interviews.add_interview(opp, NOW - 6 * D, interviewer_ids=[ann], now=NOW - 9 * D)
    interviews.mark_interview_done(interview, now=NOW)
    overdue = followups.agenda(now=NOW, tz=UTC).overdue
    assert [(item.contact, item.note) for item in overdue] == [
        ("Ann Lee", "planned late: the interview ended 5 days ago"),
        ("Katie", "planned late: the interview ended 5 days ago"),
    ]


def test_an_interview_marked_done_on_time_has_no_late_note(process: dict[str, int]) -> None:
    with reading():
        notes = {f.note for f in FollowUp.select().where(FollowUp.opportunity == process["opp"])}
    assert notes == {""}


# --- closing ---------------------------------------------------------------------------------


def test_closing_cancels_pending_follow_ups_and_keeps_them_in_history(
    process: dict[str, int],
) -> None:
    pending_before = {c for c, _, done, _ in follow_ups(process["opp"]) if done is None}
    assert pending_before
    opportunities.set_stage(process["opp"], Stage.REJECTED, now=NOW)

    cancelled = [row for row in follow_ups(process["opp"]) if row[3] == "close"]
    assert len(cancelled) == 6  # two thank-you e-mails, three helper thanks, one check-in
    assert all(done == NOW for _, _, done, _ in cancelled)
    agenda = followups.agenda(now=NOW, tz=UTC)
    kinds = {item.kind for item in (*agenda.overdue, *agenda.due, *agenda.upcoming)}
    assert kinds == {FollowUpKind.TELL_OUTCOME}
    entries = conversations.timeline(contact_id=process["ann"], now=NOW)
    check_in_entry = next(e for e in entries if e.id == process["check_in"])
    assert check_in_entry.state is FollowUpState.CANCELLED
    assert check_in_entry.title == "Check in — cancelled (process closed)"
    assert not conversations.is_pending(check_in_entry)


def test_closing_tells_each_helper_how_it_ended_and_thanks_the_references(
    process: dict[str, int],
) -> None:
    references.save_reference(process["bo"], relationship="manager", talking_points="", now=NOW)
    references.give_reference(process["bo"], process["opp"], now=NOW)
    opportunities.set_stage(process["opp"], Stage.ACCEPTED, now=NOW)
    planned = [(c, k) for c, k, done, _ in follow_ups(process["opp"]) if done is None]
    assert sorted(planned) == sorted(
        [
            (process["bo"], "thank-reference"),
            (process["katie"], "tell-outcome"),
            (process["rita"], "tell-outcome"),
            (process["sam"], "tell-outcome"),
        ]
    )
    assert conversations.follow_up_title(FollowUpKind.TELL_OUTCOME) == "Tell them how it ended"


def test_a_quiet_process_tells_no_one_how_it_ended(db_path: Path) -> None:
    katie = person("Katie")
    opp = opportunities.add_opportunity(
        "Acme", "Engineer", referrer_ids=[katie], quiet=True, now=NOW - 9 * D
    )
    opportunities.set_stage(opp, Stage.WITHDRAWN, now=NOW)
    assert follow_ups(opp) == []


def test_closing_hands_the_process_people_to_keep_in_touch(process: dict[str, int]) -> None:
    with writing():
        Contact.update(keep_in_touch_days=30).where(Contact.id == process["bo"]).execute()
    outsider = person("Olga Outsider")
    opportunities.set_stage(process["opp"], Stage.REJECTED, now=NOW, after_process_days=60)
    assert {name: keep_in_touch(process[name]) for name in ("ann", "bo", "katie", "sam")} == {
        "ann": 60,
        "bo": 30,  # an interval of their own stays
        "katie": 60,
        "sam": 60,
    }
    assert keep_in_touch(outsider) is None


def test_after_the_close_its_people_stay_in_the_going_cold_watch(process: dict[str, int]) -> None:
    # Before the fix, only interviewers and referrers of open processes were watched, so the
    # close dropped them out of the marathon.
    opportunities.set_stage(process["opp"], Stage.REJECTED, now=NOW)
    later = NOW + 95 * D
    cold, _ = cold_contacts(later)
    assert {c.name for c in cold} >= {"Ann Lee", "Bo Interviewer", "Katie Referrer", "Sam Strings"}


def test_the_handover_interval_comes_from_the_config(process: dict[str, int]) -> None:
    from crm import paths

    config = paths.config_path()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("[keep_in_touch]\nafter_process_days = 45\n")
    opportunities.set_stage(process["opp"], Stage.CLOSED, now=NOW)
    assert keep_in_touch(process["ann"]) == 45


def test_moving_between_closed_stages_changes_nothing_else(process: dict[str, int]) -> None:
    opportunities.set_stage(process["opp"], Stage.REJECTED, now=NOW)
    before = follow_ups(process["opp"])
    opportunities.set_stage(process["opp"], Stage.WITHDRAWN, now=NOW + D)
    assert follow_ups(process["opp"]) == before


# --- reopening -------------------------------------------------------------------------------


def test_reopening_brings_back_what_is_still_ahead_and_cancels_what_the_close_planned(
    process: dict[str, int],
) -> None:
    opportunities.set_stage(process["opp"], Stage.REJECTED, now=NOW)
    opportunities.set_stage(process["opp"], Stage.INTERVIEWING, now=NOW + 2 * D)
    rows = follow_ups(process["opp"])
    pending = [(c, k) for c, k, done, _ in rows if done is None]
    # The check-in (due in three days) is back; the thank-yous' windows ended meanwhile.
    assert pending == [(process["ann"], "check-in")]
    assert [(k, by) for _, k, _, by in rows if k == "tell-outcome"] == [
        ("tell-outcome", "reopen")
    ] * 3
    assert all(by == "close" for _, k, _, by in rows if k in ("thank-you-email", "thank-referrer"))


def test_a_dropped_ring_counts_the_held_round_as_the_last_touch(db_path: Path) -> None:
    ann = person("Ann Lee")
    opp = opportunities.add_opportunity("Acme", "Engineer", now=NOW - 9 * D)
    interview = interviews.add_interview(opp, NOW - 3 * D, interviewer_ids=[ann], now=NOW - 9 * D)
    to_do = list(interviews.mark_interview_done(interview, now=NOW - 2 * D))
    while to_do:  # a thank-you marked done plans the note: settle that too
        to_do += [note.id for note in followups.complete(to_do.pop(), now=NOW - 2 * D)]
    [ring] = followups.agenda(now=NOW, tz=UTC).rings_dropped
    assert (ring.opportunity_id, ring.last_touch_at) == (opp, NOW - 3 * D + H)
