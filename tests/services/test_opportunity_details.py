"""An opportunity's details (link, location, salary, applied, CV, notes): saved, edited, read."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from crm.domain.types import ContactDraft, HelperRole, OpportunityDetails, Stage
from crm.domain.validation import InvalidInput, url_problem
from crm.services import interviews, opportunities
from crm.services.contacts import create_contact

DETAILS = OpportunityDetails(
    url="https://jobs.example/42?ref=[bold]",
    location="Zürich, hybrid",
    salary="CHF 140–160k",
    applied_at=datetime(2026, 11, 2, 8, 30),
    cv="cv-2026-11 (staff).pdf",
    notes="Recruiter: Kat.\nAsk about on-call.",
)


def test_details_are_saved_and_read_back(db_path: Path, now: datetime) -> None:
    referrer = create_contact(ContactDraft(name="Taro"), now=now)
    opp = opportunities.add_opportunity(
        "Initech", "Staff Engineer", referrer_ids=[referrer], details=DETAILS, now=now
    )
    summary = opportunities.get_opportunity(opp)
    assert summary.details == DETAILS
    assert summary.helper_names(HelperRole.REFERRER) == "Taro"
    assert summary.created_at == now and summary.closed_at is None
    assert opportunities.list_opportunities()[0].details == DETAILS


def test_one_line_fields_are_trimmed_and_notes_keep_their_lines(
    db_path: Path, now: datetime
) -> None:
    opp = opportunities.add_opportunity(
        "Initech",
        "SRE",
        details=OpportunityDetails(location="  Berlin \t remote ", notes="  one\ntwo  "),
        now=now,
    )
    details = opportunities.get_opportunity(opp).details
    assert details is not None
    assert (details.location, details.notes) == ("Berlin remote", "one\ntwo")


def test_edit_changes_only_what_it_names(db_path: Path, now: datetime) -> None:
    opp = opportunities.add_opportunity("Initech", "SRE", details=DETAILS, now=now)
    later = now + timedelta(hours=1)
    title = opportunities.edit_opportunity(opp, details={"salary": "€90k"}, now=later)
    assert title == "SRE at Initech"
    summary = opportunities.get_opportunity(opp)
    assert summary.details == OpportunityDetails(**{**DETAILS.__dict__, "salary": "€90k"})
    title = opportunities.edit_opportunity(
        opp, company="Globex", role="Staff SRE", quiet=True, details=OpportunityDetails()
    )
    summary = opportunities.get_opportunity(opp)
    assert title == summary.title == "Staff SRE at Globex"
    assert summary.quiet and summary.details == OpportunityDetails()
    assert summary.stage is Stage.APPLIED


@pytest.mark.parametrize(
    "url",
    ["ftp://jobs.example", "jobs.example/42", "javascript:alert(1)", "https://", "http://[::1"],
)
def test_a_link_that_isnt_a_web_address_is_refused_and_nothing_changes(
    db_path: Path, now: datetime, url: str
) -> None:
    assert url_problem(url)
    with pytest.raises(InvalidInput, match="web address"):
        opportunities.add_opportunity(
            "Initech", "SRE", details=OpportunityDetails(url=url), now=now
        )
    assert opportunities.list_opportunities() == []
    opp = opportunities.add_opportunity("Initech", "SRE", details=DETAILS, now=now)
    with pytest.raises(InvalidInput, match="web address"):
        opportunities.edit_opportunity(opp, role="Changed", details={"url": url})
    summary = opportunities.get_opportunity(opp)
    assert (summary.role, summary.details) == ("SRE", DETAILS)


def test_editing_or_showing_a_missing_opportunity_says_so(db_path: Path) -> None:
    with pytest.raises(opportunities.NotFound, match="#7"):
        opportunities.get_opportunity(7)
    with pytest.raises(opportunities.NotFound, match="#7"):
        opportunities.edit_opportunity(7, role="x")
    with pytest.raises(InvalidInput, match="role"):
        opportunities.edit_opportunity(7, role="  ")


def test_one_opportunity_comes_with_its_own_interviews_only(db_path: Path, now: datetime) -> None:
    ann = create_contact(ContactDraft(name="Ann"), now=now)
    bo = create_contact(ContactDraft(name="Bo"), now=now)
    first = opportunities.add_opportunity("Initech", "SRE", now=now)
    second = opportunities.add_opportunity("Globex", "SRE", now=now)
    interviews.add_interview(first, now + timedelta(days=1), interviewer_ids=[ann], now=now)
    interviews.add_interview(second, now + timedelta(days=2), interviewer_ids=[bo], now=now)
    summary = opportunities.get_opportunity(second)
    assert [i.interviewers for i in summary.interviews] == [((bo, "Bo"),)]
    assert summary.stage is Stage.INTERVIEWING
    assert summary.details == OpportunityDetails()
