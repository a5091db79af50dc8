"""Back-channel rules: ranking, quiet searches, strained rapport, heads-up and tell-interviewed."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from crm.domain.backchannel import (
    STRAINED_WARNING,
    TIER_POINTS,
    TOUCH_POINTS_CAP,
    WARMTH_POINTS,
    CandidateFacts,
    RankedCandidate,
    Tier,
    Warmth,
    heads_up_plan,
    heads_up_window,
    rank_backchannel,
    should_reach_backchannel,
    tell_interviewed_plan,
    tell_interviewed_window,
    warmth_of,
)
from crm.domain.followups import PlannedFollowUp
from crm.domain.types import FollowUpKind, Rapport

NOW = datetime(2026, 11, 18, 12, 0)
H = timedelta(hours=1)
DAY = timedelta(days=1)
SECOND = timedelta(seconds=1)


def facts(
    contact_id: int,
    name: str = "",
    *,
    at_company: bool = False,
    knows: tuple[str, ...] = (),
    referred: bool = False,
    interviewer: bool = False,
    reference: bool = False,
    days_ago: float | None = 10,
    touches: int = 1,
    rapport: str = "",
    company: str = "Initech",
) -> CandidateFacts:
    """A candidate with sensible defaults; ``days_ago=None`` means never touched."""
    return CandidateFacts(
        contact_id=contact_id,
        name=name or f"Contact {contact_id}",
        company=company,
        at_company=at_company,
        knows_interviewers=knows,
        referred=referred,
        is_interviewer=interviewer,
        is_reference=reference,
        last_touch_at=None if days_ago is None else NOW - days_ago * DAY,
        touches=touches,
        rapport=rapport,
    )


def rank(candidates: list[CandidateFacts], *, quiet: bool = False) -> list[RankedCandidate]:
    """rank_backchannel at NOW."""
    return rank_backchannel(candidates, quiet=quiet, now=NOW)


def ids(ranked: list[RankedCandidate]) -> list[int]:
    """The contact ids in ranked order."""
    return [candidate.contact_id for candidate in ranked]


# --- warmth ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("silence", "warmth"),
    [
        (timedelta(0), Warmth.WARM),
        (30 * DAY, Warmth.WARM),
        (30 * DAY + SECOND, Warmth.COOL),
        (90 * DAY, Warmth.COOL),
        (90 * DAY + SECOND, Warmth.COLD),
        (800 * DAY, Warmth.COLD),
    ],
)
def test_warmth_by_silence(silence: timedelta, warmth: Warmth) -> None:
    assert warmth_of(NOW - silence, NOW) is warmth


def test_never_touched_is_never() -> None:
    assert warmth_of(None, NOW) is Warmth.NEVER


# --- who is on the list ------------------------------------------------------------------------


def test_unconnected_contacts_are_left_out() -> None:
    assert rank([facts(1), facts(2, reference=True)]) == []


def test_each_link_puts_a_contact_on_the_list() -> None:
    ranked = rank(
        [
            facts(1, at_company=True),
            facts(2, knows=("Ann Lee",)),
            facts(3, referred=True),
            facts(4, interviewer=True, at_company=True),
        ]
    )
    assert sorted(ids(ranked)) == [1, 2, 3, 4]


def test_reasons_say_why() -> None:
    (candidate,) = rank(
        [facts(1, knows=("Ann Lee", "Bo Chen"), referred=True, at_company=True, reference=True)]
    )
    assert candidate.reasons == (
        "referred you",
        "knows Ann Lee (interviewer)",
        "knows Bo Chen (interviewer)",
        "works at Initech",
        "one of your references",
    )
    assert candidate.tier is Tier.BACK_CHANNEL
    assert candidate.is_reference
    assert candidate.knows_interviewers == ("Ann Lee", "Bo Chen")


def test_interviewer_reason_and_tier() -> None:
    (candidate,) = rank([facts(1, interviewer=True, at_company=True)])
    assert candidate.tier is Tier.INTERVIEWER
    assert candidate.reasons == ("interviewing you", "works at Initech")


def test_colleague_without_company_name() -> None:
    (candidate,) = rank([facts(1, at_company=True, company="")])
    assert candidate.reasons == ("works there",)


def test_output_carries_the_facts() -> None:
    (candidate,) = rank([facts(7, "Кэти Смирнова", referred=True, days_ago=3.5, touches=4)])
    assert candidate.contact_id == 7
    assert candidate.name == "Кэти Смирнова"
    assert candidate.warmth is Warmth.WARM
    assert candidate.days_since_touch == 3
    assert candidate.touches == 4
    assert candidate.referred
    assert candidate.warning == ""


def test_never_touched_has_no_days() -> None:
    (candidate,) = rank([facts(1, referred=True, days_ago=None, touches=0)])
    assert candidate.days_since_touch is None
    assert candidate.warmth is Warmth.NEVER


def test_a_touch_in_the_future_counts_as_today() -> None:
    (candidate,) = rank([facts(1, referred=True, days_ago=-1)])
    assert candidate.days_since_touch == 0
    assert candidate.warmth is Warmth.WARM


# --- quiet searches --------------------------------------------------------------------------


def test_quiet_search_lists_only_the_interviewers() -> None:
    ranked = rank(
        [
            facts(1, at_company=True),
            facts(2, knows=("Ann Lee",)),
            facts(3, referred=True),
            facts(4, interviewer=True),
            facts(5, interviewer=True, referred=True),
        ],
        quiet=True,
    )
    assert sorted(ids(ranked)) == [4, 5]
    assert {candidate.tier for candidate in ranked} == {Tier.INTERVIEWER}


def test_quiet_search_with_no_interviewers_lists_no_one() -> None:
    assert rank([facts(1, referred=True), facts(2, at_company=True)], quiet=True) == []


# --- ranking -------------------------------------------------------------------------------


def test_referrers_and_mutual_connections_before_colleagues_before_interviewers() -> None:
    ranked = rank(
        [
            facts(1, interviewer=True, days_ago=1, touches=9),
            facts(2, at_company=True, days_ago=1, touches=9),
            facts(3, knows=("Ann Lee",), days_ago=None, touches=0),
            facts(4, referred=True, days_ago=400, touches=0),
        ]
    )
    assert [candidate.tier for candidate in ranked] == [
        Tier.BACK_CHANNEL,
        Tier.BACK_CHANNEL,
        Tier.COLLEAGUE,
        Tier.INTERVIEWER,
    ]
    assert ids(ranked) == [4, 3, 2, 1]


def test_a_colleague_who_knows_an_interviewer_is_a_mutual_connection() -> None:
    (candidate,) = rank([facts(1, at_company=True, knows=("Ann Lee",))])
    assert candidate.tier is Tier.BACK_CHANNEL


def test_warmer_first_within_a_tier() -> None:
    ranked = rank(
        [
            facts(1, referred=True, days_ago=None, touches=0),
            facts(2, referred=True, days_ago=200, touches=9),
            facts(3, knows=("Ann Lee",), days_ago=60, touches=1),
            facts(4, knows=("Ann Lee",), days_ago=5, touches=1),
        ]
    )
    assert ids(ranked) == [4, 3, 2, 1]
    assert [candidate.warmth for candidate in ranked] == [
        Warmth.WARM,
        Warmth.COOL,
        Warmth.COLD,
        Warmth.NEVER,
    ]


def test_touches_never_outweigh_warmth() -> None:
    ranked = rank(
        [facts(1, at_company=True, days_ago=40, touches=500), facts(2, at_company=True, touches=0)]
    )
    assert ids(ranked) == [2, 1]


def test_same_warmth_more_touches_first_then_more_recent_then_name() -> None:
    ranked = rank(
        [
            facts(1, "Zoe", at_company=True, days_ago=10, touches=2),
            facts(2, "Yann", at_company=True, days_ago=10, touches=5),
            facts(3, "Émile", at_company=True, days_ago=2, touches=2),
            facts(4, "ada", at_company=True, days_ago=10, touches=2),
        ]
    )
    assert ids(ranked) == [2, 3, 4, 1]


def test_score_is_tier_plus_warmth_plus_capped_touches() -> None:
    (candidate,) = rank([facts(1, at_company=True, days_ago=45, touches=50)])
    assert candidate.score == (
        TIER_POINTS[Tier.COLLEAGUE] + WARMTH_POINTS[Warmth.COOL] + TOUCH_POINTS_CAP
    )


def test_scores_descend_in_ranked_order() -> None:
    ranked = rank(
        [
            facts(1, interviewer=True),
            facts(2, at_company=True, days_ago=None, touches=0),
            facts(3, referred=True, days_ago=100),
            facts(4, at_company=True, days_ago=3, touches=3),
        ]
    )
    scores = [candidate.score for candidate in ranked]
    assert scores == sorted(scores, reverse=True)


def test_input_order_does_not_matter() -> None:
    candidates = [
        facts(1, at_company=True, days_ago=3),
        facts(2, referred=True, days_ago=50),
        facts(3, knows=("Ann",), days_ago=2),
        facts(4, interviewer=True),
    ]
    assert ids(rank(candidates)) == ids(rank(list(reversed(candidates))))


# --- reputation --------------------------------------------------------------------------------


@pytest.mark.parametrize("rapport", [Rapport.STRAINED.value, "Strained", " strained "])
def test_strained_rapport_is_flagged_not_hidden(rapport: str) -> None:
    ranked = rank(
        [facts(1, knows=("Ann Lee",), rapport=rapport), facts(2, knows=("Ann Lee",), days_ago=50)]
    )
    assert ids(ranked) == [1, 2]
    assert ranked[0].warning == STRAINED_WARNING
    assert ranked[0].warning == "you left things strained — an employer may call them"
    assert ranked[0].rapport == rapport


@pytest.mark.parametrize("rapport", ["", Rapport.GOOD.value, Rapport.NEUTRAL.value])
def test_other_rapport_has_no_warning(rapport: str) -> None:
    (candidate,) = rank([facts(1, referred=True, rapport=rapport)])
    assert candidate.warning == ""


def test_strained_interviewer_is_flagged_in_a_quiet_search() -> None:
    (candidate,) = rank([facts(1, interviewer=True, rapport="strained")], quiet=True)
    assert candidate.warning == STRAINED_WARNING


# --- merging facts -----------------------------------------------------------------------------


def test_facts_for_one_contact_are_merged() -> None:
    ranked = rank(
        [
            facts(1, "Ann", at_company=True, knows=("Bo",), days_ago=50, touches=2),
            facts(2, "Cy", at_company=True),
            facts(1, "Ann", knows=("Di", "Bo"), days_ago=5, touches=3, rapport="strained"),
        ]
    )
    assert ids(ranked) == [1, 2]
    ann = ranked[0]
    assert ann.knows_interviewers == ("Bo", "Di")
    assert ann.days_since_touch == 5
    assert ann.touches == 3
    assert ann.warning == STRAINED_WARNING
    assert "works at Initech" in ann.reasons


def test_an_interviewer_listed_twice_is_still_an_interviewer() -> None:
    (candidate,) = rank([facts(1, at_company=True), facts(1, interviewer=True)], quiet=True)
    assert candidate.tier is Tier.INTERVIEWER


# --- when to reach out -----------------------------------------------------------------------


@pytest.mark.parametrize(("rounds", "expected"), [(0, False), (1, False), (2, True), (5, True)])
def test_back_channel_after_the_second_round(rounds: int, expected: bool) -> None:
    assert should_reach_backchannel(rounds) is expected


def test_heads_up_window_well_ahead_starts_three_days_before() -> None:
    start = NOW + 10 * DAY
    assert heads_up_window(start, NOW) == (start - 3 * DAY, start - 2 * H)


def test_heads_up_window_inside_three_days_starts_now() -> None:
    start = NOW + DAY
    assert heads_up_window(start, NOW) == (NOW, start - 2 * H)


def test_heads_up_window_exactly_three_days_ahead() -> None:
    start = NOW + 3 * DAY
    assert heads_up_window(start, NOW) == (NOW, start - 2 * H)


def test_heads_up_window_just_before_the_cutoff() -> None:
    start = NOW + 2 * H + SECOND
    assert heads_up_window(start, NOW) == (NOW, NOW + SECOND)


@pytest.mark.parametrize("ahead", [2 * H, H, timedelta(0), -DAY])
def test_heads_up_window_too_late_is_none(ahead: timedelta) -> None:
    assert heads_up_window(NOW + ahead, NOW) is None


def test_tell_interviewed_window_is_the_48_hours_after_the_end() -> None:
    end = datetime(2026, 11, 18, 15, 0)
    assert tell_interviewed_window(end) == (end, end + 48 * H)


# --- plans -------------------------------------------------------------------------------------


def everyone(*, quiet: bool = False) -> list[RankedCandidate]:
    """A referrer, a mutual connection (strained), a colleague and an interviewer."""
    return rank(
        [
            facts(1, referred=True, days_ago=2),
            facts(2, knows=("Ann Lee",), days_ago=3, rapport="strained"),
            facts(3, at_company=True),
            facts(4, interviewer=True),
        ],
        quiet=quiet,
    )


def test_heads_up_to_referrers_and_mutual_connections_after_round_two() -> None:
    start = NOW + 5 * DAY
    planned = heads_up_plan(
        everyone(),
        rounds_done=2,
        next_interview_start=start,
        now=NOW,
        opportunity_id=3,
        interview_id=9,
    )
    assert planned == [
        PlannedFollowUp(
            contact_id=1,
            kind=FollowUpKind.HEADS_UP,
            window_start=start - 3 * DAY,
            window_end=start - 2 * H,
            opportunity_id=3,
            interview_id=9,
            note="referred you",
        ),
        PlannedFollowUp(
            contact_id=2,
            kind=FollowUpKind.HEADS_UP,
            window_start=start - 3 * DAY,
            window_end=start - 2 * H,
            opportunity_id=3,
            interview_id=9,
            note=f"knows Ann Lee (interviewer) — {STRAINED_WARNING}",
        ),
    ]


def test_no_heads_up_before_round_two() -> None:
    assert heads_up_plan(everyone(), rounds_done=1, next_interview_start=NOW + DAY, now=NOW) == []


def test_no_heads_up_when_the_round_is_too_close() -> None:
    assert heads_up_plan(everyone(), rounds_done=3, next_interview_start=NOW + H, now=NOW) == []


def test_no_heads_up_in_a_quiet_search() -> None:
    ranked = everyone(quiet=True)
    assert heads_up_plan(ranked, rounds_done=3, next_interview_start=NOW + DAY, now=NOW) == []


def test_tell_interviewed_goes_to_colleagues_and_mutual_connections() -> None:
    end = NOW - H
    planned = tell_interviewed_plan(everyone(), end, opportunity_id=3, interview_id=8)
    assert [(p.contact_id, p.kind) for p in planned] == [
        (2, FollowUpKind.TELL_INTERVIEWED),
        (3, FollowUpKind.TELL_INTERVIEWED),
    ]
    assert all((p.window_start, p.window_end) == (end, end + 48 * H) for p in planned)
    assert all((p.opportunity_id, p.interview_id) == (3, 8) for p in planned)
    assert planned[1].note == "works at Initech"


def test_tell_interviewed_in_a_quiet_search_tells_no_one() -> None:
    assert tell_interviewed_plan(everyone(quiet=True), NOW) == []
