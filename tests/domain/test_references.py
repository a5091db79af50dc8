"""Reference rules: briefing and thanking windows, overuse warnings and the reference sheet."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from crm.domain.followups import PlannedFollowUp
from crm.domain.references import (
    OVERUSE_MAX_EMPLOYERS,
    OVERUSE_WINDOW,
    Giving,
    PendingBrief,
    ReferenceEntry,
    ReferenceWarning,
    bonus_talking_point,
    brief_reference_plan,
    briefs_settled,
    interviewers_known,
    overused_references,
    reference_sheet,
    strained_warning,
    thank_reference_plan,
)
from crm.domain.types import FollowUpKind

NOW = datetime(2026, 11, 18, 12, 0)
H = timedelta(hours=1)
DAY = timedelta(days=1)
SECOND = timedelta(seconds=1)


# --- brief and thank -------------------------------------------------------------------------


def test_brief_until_the_expected_call() -> None:
    call = NOW + 5 * DAY
    assert brief_reference_plan(4, NOW, call, opportunity_id=3) == PlannedFollowUp(
        contact_id=4,
        kind=FollowUpKind.BRIEF_REFERENCE,
        window_start=NOW,
        window_end=call,
        opportunity_id=3,
    )


def test_brief_within_two_days_when_no_call_is_known() -> None:
    planned = brief_reference_plan(4, NOW, None, opportunity_id=3)
    assert (planned.window_start, planned.window_end) == (NOW, NOW + 2 * DAY)
    assert planned.kind is FollowUpKind.BRIEF_REFERENCE
    assert planned.opportunity_id == 3


def test_brief_before_a_call_sooner_than_two_days() -> None:
    planned = brief_reference_plan(4, NOW, NOW + 3 * H)
    assert (planned.window_start, planned.window_end) == (NOW, NOW + 3 * H)


@pytest.mark.parametrize("call", [NOW, NOW - SECOND, NOW - 3 * DAY])
def test_brief_window_never_ends_before_it_starts(call: datetime) -> None:
    planned = brief_reference_plan(4, NOW, call)
    assert (planned.window_start, planned.window_end) == (NOW, NOW)


def test_thank_the_reference_within_48_hours_of_the_close() -> None:
    closed_at = NOW - 3 * H
    assert thank_reference_plan(4, closed_at, opportunity_id=3) == PlannedFollowUp(
        contact_id=4,
        kind=FollowUpKind.THANK_REFERENCE,
        window_start=closed_at,
        window_end=closed_at + 48 * H,
        opportunity_id=3,
    )


# --- overuse -----------------------------------------------------------------------------------


def given(reference_id: int, *companies: str, ago: timedelta = DAY) -> list[Giving]:
    """Givings of one reference to each company, ``ago`` before NOW."""
    return [Giving(reference_id, company, NOW - ago) for company in companies]


def test_window_and_limit_constants() -> None:
    assert OVERUSE_WINDOW == 30 * DAY
    assert OVERUSE_MAX_EMPLOYERS == 3


def test_three_employers_is_fine() -> None:
    assert overused_references(given(1, "Initech", "Hooli", "Umbrella"), {}, NOW) == []


def test_four_employers_warn() -> None:
    warnings = overused_references(given(1, "Initech", "Hooli", "Umbrella", "Acme"), {}, NOW)
    assert warnings == [
        ReferenceWarning(
            reference_id=1,
            employers=4,
            message=(
                "given to 4 employers in 30 days and never briefed"
                " — brief them before the calls pile up"
            ),
        )
    ]


def test_one_employer_twice_counts_once() -> None:
    givings = given(1, "Initech", "Hooli", "Umbrella", "initech", "INITECH ")
    assert overused_references(givings, {}, NOW) == []


def test_employers_compare_without_accents() -> None:
    givings = given(1, "Nestlé", "Nestle", "Hooli", "Umbrella")
    assert overused_references(givings, {}, NOW) == []


def test_exactly_thirty_days_ago_still_counts() -> None:
    givings = given(1, "Initech", "Hooli", "Umbrella") + given(1, "Acme", ago=30 * DAY)
    assert [w.employers for w in overused_references(givings, {}, NOW)] == [4]


def test_a_second_past_thirty_days_no_longer_counts() -> None:
    givings = given(1, "Initech", "Hooli", "Umbrella") + given(1, "Acme", ago=30 * DAY + SECOND)
    assert overused_references(givings, {}, NOW) == []


def test_future_givings_do_not_count_yet() -> None:
    givings = given(1, "Initech", "Hooli", "Umbrella") + given(1, "Acme", ago=-H)
    assert overused_references(givings, {}, NOW) == []


def test_a_giving_right_now_counts() -> None:
    givings = given(1, "Initech", "Hooli", "Umbrella") + given(1, "Acme", ago=timedelta(0))
    assert len(overused_references(givings, {}, NOW)) == 1


def test_briefing_resets_the_count() -> None:
    givings = given(1, "Initech", "Hooli", ago=10 * DAY) + given(1, "Umbrella", "Acme", ago=DAY)
    assert overused_references(givings, {1: NOW - 5 * DAY}, NOW) == []
    assert len(overused_references(givings, {1: None}, NOW)) == 1


def test_a_briefing_at_the_moment_of_giving_covers_it() -> None:
    givings = given(1, "Initech", ago=5 * DAY) + given(1, "Hooli", "Umbrella", "Acme", ago=DAY)
    assert overused_references(givings, {1: NOW - 5 * DAY}, NOW) == []
    assert len(overused_references(givings, {1: NOW - 5 * DAY - SECOND}, NOW)) == 1


def test_givings_after_the_briefing_still_warn() -> None:
    givings = given(1, "Initech", "Hooli", "Umbrella", "Acme", ago=DAY)
    (warning,) = overused_references(givings, {1: NOW - 20 * DAY}, NOW)
    assert warning.message == (
        "given to 4 employers in 30 days since you last briefed them"
        " — brief them before the calls pile up"
    )


def test_briefings_are_per_reference() -> None:
    givings = given(1, "A", "B", "C", "D") + given(2, "A", "B", "C", "D")
    warnings = overused_references(givings, {1: NOW - H}, NOW)
    assert [w.reference_id for w in warnings] == [2]


def test_warnings_most_employers_first_then_by_id() -> None:
    givings = given(3, "A", "B", "C", "D") + given(1, "A", "B", "C", "D") + given(2, *"ABCDEF")
    warnings = overused_references(givings, {}, NOW)
    assert [(w.reference_id, w.employers) for w in warnings] == [(2, 6), (1, 4), (3, 4)]


def test_no_givings_no_warnings() -> None:
    assert overused_references([], {1: None}, NOW) == []


# --- the sheet ---------------------------------------------------------------------------------

MARK = ReferenceEntry(
    name="Mark Farmingham",
    role="Director of Engineering",
    company="Umbrella Health",
    email="mark@umbrella.example",
    phone="+1 555 0100",
    relationship="My direct supervisor for three years",
    talking_points="can speak to how I grew in a fast-paced environment.",
)

YAMADA = ReferenceEntry(
    name="山田 太郎",
    role="エンジニアリングマネージャー",
    company="株式会社サンプル",
    email="yamada@sample.example",
    phone="+81 3-1234-5678",
    relationship="前職の上司（3年間）",
    talking_points="チームでの成長について話せます。",
)

KATYA = ReferenceEntry(
    name="Катя Петрова",
    role="Руководитель отдела",
    company="Яндекс",
    email="katya@yandex.example",
    phone="",
    relationship="Руководила моим проектом.",
    talking_points="Расскажет о работе с клиентами.",
)


def test_plain_sheet_matches_the_playbook_example() -> None:
    assert reference_sheet([MARK], markdown=False) == (
        "Mark Farmingham — Director of Engineering, Umbrella Health\n"
        "My direct supervisor for three years; can speak to how I grew in a fast-paced"
        " environment.\n"
        "mark@umbrella.example · +1 555 0100"
    )


def test_markdown_sheet_bolds_the_name_and_uses_hard_breaks() -> None:
    assert reference_sheet([MARK], markdown=True) == (
        "**Mark Farmingham** — Director of Engineering, Umbrella Health  \n"
        "My direct supervisor for three years; can speak to how I grew in a fast-paced"
        " environment.  \n"
        "mark@umbrella.example · +1 555 0100"
    )


def test_entries_are_separated_by_a_blank_line_in_order() -> None:
    plain = reference_sheet([MARK, KATYA], markdown=False)
    first, second = plain.split("\n\n")
    assert first.startswith("Mark Farmingham")
    assert second.startswith("Катя Петрова")


def test_cyrillic_plain() -> None:
    assert reference_sheet([KATYA], markdown=False) == (
        "Катя Петрова — Руководитель отдела, Яндекс\n"
        "Руководила моим проектом. Расскажет о работе с клиентами.\n"
        "katya@yandex.example"
    )


def test_cyrillic_markdown() -> None:
    assert reference_sheet([KATYA], markdown=True) == (
        "**Катя Петрова** — Руководитель отдела, Яндекс  \n"
        "Руководила моим проектом. Расскажет о работе с клиентами.  \n"
        "katya@yandex.example"
    )


def test_cjk_plain_joins_after_full_width_punctuation_without_a_semicolon() -> None:
    assert reference_sheet([YAMADA], markdown=False) == (
        "山田 太郎 — エンジニアリングマネージャー, 株式会社サンプル\n"
        "前職の上司（3年間）; チームでの成長について話せます。\n"
        "yamada@sample.example · +81 3-1234-5678"
    )
    ended = ReferenceEntry(**{**YAMADA.__dict__, "relationship": "前職の上司です。"})
    assert "前職の上司です。 チームでの成長について話せます。" in reference_sheet(
        [ended], markdown=False
    )


def test_cjk_markdown() -> None:
    assert reference_sheet([YAMADA], markdown=True).splitlines()[0] == (
        "**山田 太郎** — エンジニアリングマネージャー, 株式会社サンプル  "
    )


def test_names_are_nfc_normalised() -> None:
    decomposed = ReferenceEntry(**{**KATYA.__dict__, "name": "И\u0306осиф Ju\u0308rgens"})
    sheet = reference_sheet([decomposed], markdown=False)
    assert sheet.startswith("\u0419осиф J\u00fcrgens — ")


def test_missing_parts_are_left_out() -> None:
    bare = ReferenceEntry("Ann Lee", "", "", "", "", "", "")
    assert reference_sheet([bare], markdown=False) == "Ann Lee"
    assert reference_sheet([bare], markdown=True) == "**Ann Lee**"
    company_only = ReferenceEntry("Ann Lee", "", "Hooli", "", "555", "", "Great mentor.")
    assert reference_sheet([company_only], markdown=False) == "Ann Lee — Hooli\nGreat mentor.\n555"


def test_talking_points_alone() -> None:
    entry = ReferenceEntry("Ann Lee", "CTO", "Hooli", "", "", "", "Knows my Go work.")
    assert reference_sheet([entry], markdown=False) == "Ann Lee — CTO, Hooli\nKnows my Go work."


def test_multi_line_talking_points_keep_their_lines_and_drop_blanks() -> None:
    entry = ReferenceEntry(
        "Ann Lee",
        "CTO",
        "Hooli",
        "",
        "",
        "Former manager\n",
        "  led the migration  \n\n  mentored   two juniors ",
    )
    assert reference_sheet([entry], markdown=False) == (
        "Ann Lee — CTO, Hooli\nFormer manager; led the migration\nmentored two juniors"
    )


def test_fields_on_one_line_are_tidied() -> None:
    entry = ReferenceEntry(" Ann\n Lee ", " CTO ", "Hooli\tInc", " a@b.c ", " 555 ", "", "")
    assert reference_sheet([entry], markdown=False) == "Ann Lee — CTO, Hooli Inc\na@b.c · 555"


def test_markdown_escapes_what_the_user_typed() -> None:
    entry = ReferenceEntry(
        "Ann *the* Lee",
        "VP_Eng",
        "<Hooli>",
        "ann_lee@hooli.example",
        "",
        "1. managed me",
        "- [link](x)",
    )
    assert reference_sheet([entry], markdown=True) == (
        "**Ann \\*the\\* Lee** — VP\\_Eng, \\<Hooli\\>  \n"
        "1\\. managed me; - \\[link\\](x)  \n"
        "ann\\_lee@hooli.example"
    )


def test_markdown_escapes_block_starts_on_continuation_lines() -> None:
    entry = ReferenceEntry("Ann", "", "", "", "", "", "Notes\n# heading\n+ plus\n2) two")
    assert reference_sheet([entry], markdown=True) == (
        "**Ann**  \nNotes  \n\\# heading  \n\\+ plus  \n2\\) two"
    )


def test_plain_text_is_not_escaped() -> None:
    entry = ReferenceEntry("Ann *the* Lee", "", "", "ann_lee@x.example", "", "", "")
    assert reference_sheet([entry], markdown=False) == "Ann *the* Lee\nann_lee@x.example"


def test_empty_list_is_an_empty_sheet() -> None:
    assert reference_sheet([], markdown=True) == ""
    assert reference_sheet([], markdown=False) == ""


# --- issue 13: briefing settles, strained, bonus points --------------------------------------


def test_a_briefing_settles_the_briefs_planned_by_then() -> None:
    pending = [
        PendingBrief(1, planned_at=NOW - 2 * DAY),
        PendingBrief(2, planned_at=NOW),
        PendingBrief(3, planned_at=NOW + SECOND),
    ]
    # A briefing typed in for last week can't have covered a reference given today.
    assert briefs_settled(pending, NOW) == [1, 2]
    assert briefs_settled([], NOW) == []


@pytest.mark.parametrize("rapport", ["strained", " Strained ", "STRAINED"])
def test_a_strained_reference_is_warned_about(rapport: str) -> None:
    assert strained_warning("Eve Stone", rapport) == (
        "You left things strained with Eve Stone: brief them first or choose another reference."
    )


@pytest.mark.parametrize("rapport", ["", "good", "neutral"])
def test_other_rapports_are_not(rapport: str) -> None:
    assert strained_warning("Eve Stone", rapport) == ""


def test_a_reference_who_knows_an_interviewer_earns_bonus_points() -> None:
    interviewers = {10: "Tom Becker", 11: "Ann Lee", 12: "Zoë Brontë"}
    links = [(5, 10), (12, 5), (6, 11), (10, 11)]
    # Either direction of a link counts; names come back in name order.
    assert interviewers_known(5, interviewers, links) == ("Tom Becker", "Zoë Brontë")
    assert interviewers_known(7, interviewers, links) == ()
    # An interviewer who is also the reference doesn't "know" themself.
    assert interviewers_known(10, interviewers, [(10, 10), (10, 11)]) == ("Ann Lee",)


def test_the_bonus_talking_point_names_the_people_you_both_know() -> None:
    assert bonus_talking_point(()) == ""
    assert bonus_talking_point(("Ann Lee",)) == "Mention that you both know Ann Lee (interviewer)"
    assert bonus_talking_point(("Ann Lee", "Tom Becker")) == (
        "Mention that you both know Ann Lee and Tom Becker (interviewers)"
    )
    assert bonus_talking_point(("A", "B", "C")) == (
        "Mention that you both know A, B and C (interviewers)"
    )
