"""Going-cold rules: intervals by relationship, explicit intervals, the boundary and the list."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from crm.domain.cold import (
    DEFAULT_INTERVALS,
    ColdContact,
    ColdFacts,
    Relationship,
    coldest,
    going_cold,
    is_cold,
    keep_in_touch_interval,
    keep_in_touch_plan,
    relationship_of,
)
from crm.domain.followups import PlannedFollowUp
from crm.domain.types import FollowUpKind

NOW = datetime(2026, 11, 18, 12, 0)
DAY = timedelta(days=1)
SECOND = timedelta(seconds=1)
ADDED = NOW - 1000 * DAY


# --- intervals ---------------------------------------------------------------------------------


def test_every_relationship_has_a_positive_default() -> None:
    assert set(DEFAULT_INTERVALS) == set(Relationship)
    assert all(days > 0 for days in DEFAULT_INTERVALS.values())


def test_default_intervals() -> None:
    assert DEFAULT_INTERVALS == {
        Relationship.INTERVIEWER: 21,
        Relationship.REFERRER: 45,
        Relationship.REFERENCE: 60,
        Relationship.OTHER: 120,
    }


@pytest.mark.parametrize(
    ("is_reference", "is_referrer", "is_interviewer", "relationship"),
    [
        (False, False, False, Relationship.OTHER),
        (True, False, False, Relationship.REFERENCE),
        (False, True, False, Relationship.REFERRER),
        (False, False, True, Relationship.INTERVIEWER),
        (True, True, False, Relationship.REFERRER),
        (True, False, True, Relationship.INTERVIEWER),
        (False, True, True, Relationship.INTERVIEWER),
        (True, True, True, Relationship.INTERVIEWER),
    ],
)
def test_relationship_of_picks_the_most_demanding(
    is_reference: bool, is_referrer: bool, is_interviewer: bool, relationship: Relationship
) -> None:
    assert relationship_of(is_reference, is_referrer, is_interviewer) is relationship


@pytest.mark.parametrize("relationship", list(Relationship))
def test_default_interval_by_relationship(relationship: Relationship) -> None:
    assert keep_in_touch_interval(None, relationship) == DEFAULT_INTERVALS[relationship]


@pytest.mark.parametrize("relationship", list(Relationship))
def test_explicit_interval_wins(relationship: Relationship) -> None:
    assert keep_in_touch_interval(180, relationship) == 180
    assert keep_in_touch_interval(1, relationship) == 1


@pytest.mark.parametrize("days", [0, -5])
def test_explicit_interval_must_be_positive(days: int) -> None:
    with pytest.raises(ValueError):
        keep_in_touch_interval(days, Relationship.OTHER)


# --- is_cold -----------------------------------------------------------------------------------


def test_exactly_at_the_interval_is_not_cold() -> None:
    assert not is_cold(NOW - 30 * DAY, ADDED, 30, NOW)


def test_a_second_past_the_interval_is_cold() -> None:
    assert is_cold(NOW - 30 * DAY - SECOND, ADDED, 30, NOW)


def test_recent_touch_is_not_cold() -> None:
    assert not is_cold(NOW - DAY, ADDED, 30, NOW)


def test_any_touch_resets_the_clock() -> None:
    assert is_cold(NOW - 40 * DAY, ADDED, 30, NOW)
    assert not is_cold(NOW - 2 * DAY, ADDED, 30, NOW)


def test_never_touched_counts_from_when_the_contact_was_added() -> None:
    assert not is_cold(None, NOW - 30 * DAY, 30, NOW)
    assert is_cold(None, NOW - 30 * DAY - SECOND, 30, NOW)


def test_a_touch_in_the_future_is_not_cold() -> None:
    assert not is_cold(NOW + DAY, ADDED, 1, NOW)


def test_interval_must_be_positive() -> None:
    with pytest.raises(ValueError):
        is_cold(None, ADDED, 0, NOW)


# --- going_cold ----------------------------------------------------------------------------------


def test_going_cold_lists_those_past_their_interval_longest_silence_first() -> None:
    contacts = [
        ColdFacts(1, "Warm Wendy", NOW - 5 * DAY, ADDED, 21),
        ColdFacts(2, "Reference Rita", NOW - 61 * DAY, ADDED, 60),
        ColdFacts(3, "Old Colleague Oleg", NOW - 400 * DAY, ADDED, 120),
        ColdFacts(4, "Never Nora", None, NOW - 200 * DAY, 120),
        ColdFacts(5, "Boundary Bo", NOW - 45 * DAY, ADDED, 45),
    ]
    assert going_cold(contacts, NOW) == [
        ColdContact(3, "Old Colleague Oleg", NOW - 400 * DAY, days_silent=400, days_over=280),
        ColdContact(4, "Never Nora", None, days_silent=200, days_over=80),
        ColdContact(2, "Reference Rita", NOW - 61 * DAY, days_silent=61, days_over=1),
    ]


def test_days_are_whole_days_and_the_first_day_over_is_zero() -> None:
    (contact,) = going_cold([ColdFacts(1, "Ann", NOW - 30 * DAY - 5 * SECOND, ADDED, 30)], NOW)
    assert (contact.days_silent, contact.days_over) == (30, 0)


def test_ties_in_silence_go_by_name_then_id() -> None:
    touched = NOW - 200 * DAY
    contacts = [
        ColdFacts(3, "Zoe", touched, ADDED, 30),
        ColdFacts(2, "émile", touched, ADDED, 30),
        ColdFacts(1, "Zoe", touched, ADDED, 30),
        ColdFacts(4, "Ada", touched, ADDED, 30),
    ]
    assert [c.contact_id for c in going_cold(contacts, NOW)] == [4, 2, 1, 3]


def test_sorting_uses_the_exact_silence_not_whole_days() -> None:
    contacts = [
        ColdFacts(1, "Ann", NOW - 100 * DAY, ADDED, 30),
        ColdFacts(2, "Bo", NOW - 100 * DAY - SECOND, ADDED, 30),
    ]
    assert [c.contact_id for c in going_cold(contacts, NOW)] == [2, 1]


def test_no_one_cold() -> None:
    assert going_cold([], NOW) == []
    assert going_cold([ColdFacts(1, "Ann", NOW, ADDED, 30)], NOW) == []


def test_going_cold_accepts_any_iterable() -> None:
    facts = (f for f in [ColdFacts(1, "Ann", None, ADDED, 30)])
    assert [c.contact_id for c in going_cold(facts, NOW)] == [1]


def test_a_stored_sort_key_orders_ties_as_the_name_would() -> None:
    touched = NOW - 200 * DAY
    contacts = [
        ColdFacts(1, "Zoe", touched, ADDED, 30, sort_key="zoe"),
        ColdFacts(2, "émile", touched, ADDED, 30, sort_key="emile"),
        ColdFacts(3, "Ada", touched, ADDED, 30),  # no key given: made from the name
    ]
    assert [c.contact_id for c in going_cold(contacts, NOW)] == [3, 2, 1]


def test_coldest_lists_the_first_of_going_cold_and_counts_them_all() -> None:
    contacts = [
        ColdFacts(contact_id, f"Person {contact_id:02}", NOW - (40 + contact_id) * DAY, ADDED, 30)
        for contact_id in range(1, 21)
    ] + [ColdFacts(99, "Warm Wendy", NOW - DAY, ADDED, 30)]
    first, total = coldest(contacts, NOW, 5)
    assert total == 20
    assert first == going_cold(contacts, NOW)[:5]
    assert [c.contact_id for c in first] == [20, 19, 18, 17, 16]


def test_coldest_with_room_for_everyone() -> None:
    contacts = [ColdFacts(1, "Ann", None, ADDED, 30), ColdFacts(2, "Bo", NOW, ADDED, 30)]
    assert coldest(contacts, NOW, 100) == (going_cold(contacts, NOW), 1)
    assert coldest([], NOW, 100) == ([], 0)


# --- planning ------------------------------------------------------------------------------------


def test_keep_in_touch_plan_within_the_week() -> None:
    contact = ColdContact(3, "Oleg", NOW - 400 * DAY, days_silent=400, days_over=280)
    assert keep_in_touch_plan(contact, NOW) == PlannedFollowUp(
        contact_id=3,
        kind=FollowUpKind.KEEP_IN_TOUCH,
        window_start=NOW,
        window_end=NOW + 7 * DAY,
        note="400 days since you were last in touch",
    )


def test_keep_in_touch_plan_for_someone_never_contacted() -> None:
    contact = ColdContact(4, "Nora", None, days_silent=200, days_over=80)
    assert keep_in_touch_plan(contact, NOW).note == "added 200 days ago and never contacted"
