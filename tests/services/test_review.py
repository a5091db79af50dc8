"""The review of what mail proposes: listing, accepting a person, skipping and ignoring, and
what a later mail import does with each answer."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from crm.db.models import Company, Contact, ContactMethod, Interaction, MailProposal
from crm.domain.invites import Person as Attendee
from crm.domain.types import ContactDraft
from crm.services import contacts, review
from crm.services.contacts import create_contact
from crm.services.review import ReviewError
from crm.services.tx import reading, writing
from tests.invite_fixtures import proposed_detail
from tests.services.test_mail_import import ME, NOW, D, mbox, message, people, run

__all__ = ["people"]  # the fixture, shared with the mail import's tests


def propose(
    address: str,
    name: str,
    company_id: int | None,
    last_seen: datetime,
    *,
    kind: str = "contact",
    messages: int = 1,
    detail: object = "",
    state: str = "pending",
) -> int:
    with writing():
        return int(
            MailProposal.insert(
                kind=kind,
                address=address,
                name=name,
                company=company_id,
                first_seen=last_seen - 3 * D,
                last_seen=last_seen,
                messages=messages,
                state=state,
                detail=detail if isinstance(detail, str) else json.dumps(detail),
            ).execute()
        )


def initech(people: dict[str, int]) -> int:
    with reading():
        return int(Company.get(Company.name == "Initech").id)


INVITATION_UID = "abc-123@initech.example"
INVITATION = proposed_detail(
    INVITATION_UID,
    "Technical interview — 山田 太郎",
    datetime(2026, 12, 10, 14),
    datetime(2026, 12, 10, 15),
    ("Ann Lee", "ann.lee@initech.example"),
    [("山田 太郎", "taro@initech.example"), ("Anna", ME)],
)


def states() -> dict[str, str]:
    with reading():
        return {p.address: p.state for p in MailProposal.select()}


def test_pending_proposals_are_listed_newest_first_with_company_and_invitation(
    people: dict[str, int],
) -> None:
    company = initech(people)
    katya = propose("katya@initech.example", "Катя Иванова", company, NOW - 3 * D, messages=4)
    taro = propose("taro@initech.example", "山田 太郎", company, NOW - D)
    interview = propose(
        INVITATION_UID, "Ann Lee", company, NOW - 2 * D, kind="interview", detail=INVITATION
    )
    propose("gone@initech.example", "Gone", company, NOW, state="ignored")
    propose("later@initech.example", "Later", company, NOW, state="skipped")
    listed = review.list_proposals()
    assert [p.id for p in listed] == [taro, interview, katya]
    assert [(p.name, p.company, p.messages) for p in listed] == [
        ("山田 太郎", "Initech", 1),
        ("Ann Lee", "Initech", 1),
        ("Катя Иванова", "Initech", 4),
    ]
    invitation = listed[1].invitation
    assert invitation is not None and listed[0].invitation is None
    assert invitation.summary == "Technical interview — 山田 太郎"
    assert invitation.starts_at == datetime(2026, 12, 10, 14, 0)
    assert invitation.organizer == Attendee("Ann Lee", "ann.lee@initech.example")
    assert invitation.attendees[0] == Attendee("山田 太郎", "taro@initech.example")
    assert listed[1].opportunity_id == people["opp"]  # Initech's open process, preselected
    assert review.pending_count() == 3


def test_an_invitation_that_cant_be_read_is_left_out(people: dict[str, int]) -> None:
    propose("x-1", "", initech(people), NOW, kind="interview", detail="{not json")
    propose("x-2", "", initech(people), NOW - D, kind="interview", detail=["a", "list"])
    assert review.list_proposals() == []


def test_accepting_a_person_creates_the_contact_at_the_company_and_closes_it(
    people: dict[str, int],
) -> None:
    proposal = propose("katya@initech.example", "Катя Иванова", initech(people), NOW - D)
    accepted = review.accept(proposal, now=NOW)
    assert not accepted.existed and accepted.kind == "contact"
    assert accepted.text.startswith("Added Катя Иванова at Initech (#")
    detail = contacts.get_contact(accepted.created_id)
    assert (detail.name, detail.company, detail.email) == (
        "Катя Иванова",
        "Initech",
        "katya@initech.example",
    )
    assert [row.name for row in contacts.search_contacts("катя")] == ["Катя Иванова"]
    assert states() == {"katya@initech.example": "accepted"}
    assert review.list_proposals() == []


def test_a_typed_name_wins_and_is_cleaned(people: dict[str, int]) -> None:
    proposal = propose("hr@initech.example", "", initech(people), NOW - D)
    with pytest.raises(ReviewError, match=r"hr@initech.example came with no name"):
        review.accept(proposal, now=NOW)
    with pytest.raises(ReviewError, match="needs a name"):
        review.accept(proposal, name=" \x1b ", now=NOW)
    with pytest.raises(ReviewError, match="at most 200"):
        review.accept(proposal, name="x" * 201, now=NOW)
    assert states() == {"hr@initech.example": "pending"}
    accepted = review.accept(proposal, name="José \x1b[31mNúñez", now=NOW)
    assert contacts.get_contact(accepted.created_id).name == "José [31mNúñez"


def test_an_address_a_contact_has_meanwhile_only_closes_the_proposal(
    people: dict[str, int],
) -> None:
    first = propose("ann.lee@initech.example", "Ann", initech(people), NOW - D)
    second = propose("ann@lee.example", "Ann", initech(people), NOW - D)
    with writing():
        ContactMethod.insert(contact=people["ann"], kind="email", value="Ann@Lee.example").execute()
    with reading():
        before = Contact.select().count()
    for proposal in (first, second):
        accepted = review.accept(proposal, now=NOW)
        assert accepted.existed and accepted.created_id == people["ann"]
        assert "Ann Lee (#1) already has" in accepted.text
    with reading():
        assert Contact.select().count() == before
    assert set(states().values()) == {"accepted"}


def test_unknown_and_answered_proposals_are_one_line_errors(people: dict[str, int]) -> None:
    proposal = propose("katya@initech.example", "Катя", initech(people), NOW - D)
    with pytest.raises(ReviewError, match=r"There is no proposal #99 \(crm review lists them\)"):
        review.skip(99)
    review.ignore(proposal)
    for answer in (review.skip, review.ignore, lambda pid: review.accept(pid, now=NOW)):
        with pytest.raises(ReviewError, match=f"Proposal #{proposal} was already ignored."):
            answer(proposal)


def test_a_skipped_proposal_can_still_be_accepted_or_ignored_but_not_skipped_again(
    people: dict[str, int],
) -> None:
    one = propose("one@initech.example", "One", initech(people), NOW - D)
    two = propose("two@initech.example", "Two", initech(people), NOW - D)
    review.skip(one)
    review.skip(two)
    with pytest.raises(ReviewError, match="already skipped"):
        review.skip(one)
    review.accept(one, now=NOW)
    review.ignore(two)
    assert states() == {"one@initech.example": "accepted", "two@initech.example": "ignored"}


def test_interview_proposals_are_skipped_and_ignored_like_people(people: dict[str, int]) -> None:
    company = initech(people)
    one = propose("uid-1", "Ann Lee", company, NOW - D, kind="interview", detail=INVITATION)
    two = propose("uid-2", "Ann Lee", company, NOW - D, kind="interview", detail=INVITATION)
    with pytest.raises(ReviewError, match="--opportunity OPP"):
        review.accept(one, now=NOW)
    with pytest.raises(ReviewError, match="There is no opportunity #99."):
        review.accept(one, opportunity_id=99, now=NOW)
    with pytest.raises(ReviewError, match="A name is for a person"):
        review.accept(one, name="Ann", opportunity_id=people["opp"], now=NOW)
    review.skip(one)
    review.ignore(two)
    assert review.list_proposals() == []
    assert states() == {"uid-1": "skipped", "uid-2": "ignored"}


def test_an_opportunity_is_refused_for_a_person(people: dict[str, int]) -> None:
    proposal = propose("katya@initech.example", "Катя", initech(people), NOW - D)
    with pytest.raises(ReviewError, match="An opportunity is for an interview"):
        review.accept(proposal, opportunity_id=people["opp"], now=NOW)
    assert states() == {"katya@initech.example": "pending"}


# --- what the next mail import does with each answer --------------------------------------


def katya_proposal() -> int:
    with reading():
        return int(MailProposal.get(MailProposal.address == "katya@initech.example").id)


def test_an_ignored_address_is_never_proposed_again(people: dict[str, int], tmp_path: Path) -> None:
    first = mbox(tmp_path / "a.mbox", [message("Катя <katya@initech.example>", ME, at=NOW - 3 * D)])
    assert [p.address for p in run(first).proposed] == ["katya@initech.example"]
    review.ignore(katya_proposal())
    newer = mbox(
        tmp_path / "b.mbox",
        [message("Катя Иванова <katya@initech.example>", ME, "Again", at=NOW - D)],
    )
    for result in (run(newer), run(newer, dry_run=True), run(first)):
        assert result.proposed == ()
    with reading():
        row = MailProposal.get_by_id(katya_proposal())
    assert (row.state, row.name, row.messages, row.last_seen) == ("ignored", "Катя", 1, NOW - 3 * D)
    assert review.list_proposals() == []


def test_a_skipped_address_comes_back_only_with_newer_mail(
    people: dict[str, int], tmp_path: Path
) -> None:
    first = mbox(tmp_path / "a.mbox", [message("Катя <katya@initech.example>", ME, at=NOW - 3 * D)])
    run(first)
    review.skip(katya_proposal())
    assert run(first).proposed == ()  # the same mail again brings nothing back
    older = mbox(tmp_path / "old.mbox", [message("katya@initech.example", ME, at=NOW - 9 * D)])
    assert run(older).proposed == ()
    assert review.list_proposals() == []
    newer = mbox(tmp_path / "b.mbox", [message("katya@initech.example", ME, "Hi", at=NOW - D)])
    assert [p.address for p in run(newer).proposed] == ["katya@initech.example"]
    [back] = review.list_proposals()
    assert (back.address, back.last_seen, back.first_seen) == (
        "katya@initech.example",
        NOW - D,
        NOW - 9 * D,
    )


def test_an_accepted_person_s_past_mail_is_logged_by_importing_the_file_again(
    people: dict[str, int], tmp_path: Path
) -> None:
    path = mbox(
        tmp_path / "a.mbox",
        [
            message("Катя <katya@initech.example>", ME, "First", at=NOW - 3 * D),
            message(ME, "katya@initech.example", "Reply", at=NOW - 2 * D),
        ],
    )
    assert run(path).logged == 0
    accepted = review.accept(katya_proposal(), now=NOW)
    assert review.PAST_MAIL in accepted.text
    again = run(path)
    assert again.logged == 2 and again.proposed == ()
    assert run(path).logged == 0  # and only once
    with reading():
        assert Interaction.select().where(Interaction.contact == accepted.created_id).count() == 2


def test_a_contact_added_by_hand_meanwhile_is_not_proposed(
    people: dict[str, int], tmp_path: Path
) -> None:
    path = mbox(tmp_path / "a.mbox", [message("katya@initech.example", ME, at=NOW - 3 * D)])
    run(path)
    create_contact(ContactDraft(name="Katya", email="KATYA@initech.example"), now=NOW)
    accepted = review.accept(katya_proposal(), now=NOW)
    assert accepted.existed


def test_accepting_an_interview_schedules_it_with_its_known_attendees(
    people: dict[str, int],
) -> None:
    from crm.db.models import Interview, InterviewInterviewer

    proposal = propose(
        INVITATION_UID, "Ann Lee", initech(people), NOW - D, kind="interview", detail=INVITATION
    )
    review.skip(proposal)  # put off, still answerable
    review.accept(proposal, opportunity_id=people["opp"], now=NOW)
    with reading():
        interview = Interview.get(Interview.invite_uid == INVITATION_UID)
        interviewers = {
            link.contact_id
            for link in InterviewInterviewer.select().where(
                InterviewInterviewer.interview == interview.id
            )
        }
    assert (interview.opportunity_id, interview.starts_at) == (
        people["opp"],
        datetime(2026, 12, 10, 14),
    )
    assert interviewers == {people["ann"]}  # the organiser; never the user (ME attends)
    assert states()[INVITATION_UID] == "accepted"
    assert [p.address for p in review.list_proposals()] == ["taro@initech.example"]
