"""LinkedIn's messages.csv as a service: generated exports read into conversations as if the
user had logged them, matched by profile or by a name only one contact has."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from crm.db.models import FollowUp, Interaction
from crm.domain.linkedin import LinkedInExportError
from crm.domain.types import ContactDraft, FollowUpKind
from crm.services import interviews, opportunities
from crm.services.contacts import create_contact
from crm.services.importing.batches import ImportResult
from crm.services.importing.linkedin_messages import (
    import_linkedin_file,
    import_linkedin_messages,
)
from crm.services.mail.importing import MailImportResult
from crm.services.tx import reading

NOW = datetime(2026, 12, 8, 15, 0)  # a Tuesday
H = timedelta(hours=1)
D = timedelta(days=1)
ME = "https://www.linkedin.com/in/anna-petrova/"
ME_NAME = "Anna Petrova"
ANN = "https://www.linkedin.com/in/ann-lee"
YAR = "https://linkedin.com/in/yaroslav-petrov"
COLUMNS = (
    "CONVERSATION ID",
    "CONVERSATION TITLE",
    "FROM",
    "SENDER PROFILE URL",
    "TO",
    "RECIPIENT PROFILE URLS",
    "DATE",
    "SUBJECT",
    "CONTENT",
    "FOLDER",
    "ATTACHMENTS",
    "IS MESSAGE DRAFT",
)


def row(
    sender: tuple[str, str],
    to: Iterable[tuple[str, str]],
    content: str = "Hi there",
    *,
    at: datetime = NOW - D,
    conversation: str = "c1",
    subject: str = "",
    folder: str = "INBOX",
    draft: bool = False,
) -> dict[str, str]:
    people = list(to)
    return {
        "CONVERSATION ID": conversation,
        "CONVERSATION TITLE": "",
        "FROM": sender[0],
        "SENDER PROFILE URL": sender[1],
        "TO": ", ".join(name for name, _ in people),
        "RECIPIENT PROFILE URLS": ",".join(url for _, url in people),
        "DATE": at.strftime("%Y-%m-%d %H:%M:%S UTC"),
        "SUBJECT": subject,
        "CONTENT": content,
        "FOLDER": folder,
        "ATTACHMENTS": "",
        "IS MESSAGE DRAFT": "Yes" if draft else "No",
    }


def export(path: Path, rows: Iterable[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def me() -> tuple[str, str]:
    return (ME_NAME, ME)


def logged() -> list[tuple[int, str, str, str, str]]:
    with reading():
        return [
            (i.contact_id, i.direction, i.kind, i.channel, i.summary)
            for i in Interaction.select().order_by(Interaction.occurred_at, Interaction.id)
        ]


def run(path: Path, **options: object) -> MailImportResult:
    values: dict[str, object] = {"now": NOW}
    values.update(options)
    return import_linkedin_messages(path, **values)  # type: ignore[arg-type]


@pytest.fixture
def people(db_path: Path) -> dict[str, int]:
    """Ann interviews at Initech (linked by profile); Ярослав and 山田 太郎 are known by name only;
    two contacts are called Sam Park."""
    ids = {
        "ann": create_contact(
            ContactDraft(
                name="Ann Lee", company="Initech", linkedin_url="linkedin.com/in/Ann-Lee/"
            ),
            now=NOW - 30 * D,
        ),
        "yar": create_contact(ContactDraft(name="Ярослав Петров"), now=NOW - 30 * D),
        "yamada": create_contact(ContactDraft(name="山田 太郎"), now=NOW - 30 * D),
        "sam1": create_contact(ContactDraft(name="Sam Park"), now=NOW - 30 * D),
        "sam2": create_contact(ContactDraft(name="sam  park", company="Globex"), now=NOW - 30 * D),
    }
    ids["opp"] = opportunities.add_opportunity("Initech", "Staff Engineer", now=NOW - 20 * D)
    return ids


def test_messages_with_known_contacts_are_logged_both_ways(
    people: dict[str, int], tmp_path: Path
) -> None:
    path = export(
        tmp_path / "messages.csv",
        [
            row(me(), [("Ann Lee", ANN)], "<p>Great to meet you,<br>Ann</p>", at=NOW - 3 * D),
            row(
                ("Ярослав Петров", YAR),
                [me()],
                "Привет!\nКак дела, Анна?",
                at=NOW - 2 * D,
                conversation="c2",
            ),  # fmt: skip
            row(("山田 太郎", ""), [me()], "こんにちは", at=NOW - 2 * D, conversation="c3"),
            row(("Sam Park", "https://linkedin.com/in/sam"), [me()], "hey", conversation="c4"),
            row(("Carol Stranger", "https://linkedin.com/in/carol"), [me()], conversation="c5"),
            row(me(), [("Ann Lee", ANN)], "not sent yet", draft=True),
            row(("Ann Lee", ANN), [me()], "win a prize", folder="SPAM"),
        ],
    )
    result = run(path)
    assert (result.read, result.logged) == (7, 3)
    assert result.skipped == {
        "draft": 1,
        "name matches several contacts": 1,
        "no known contact": 1,
        "spam": 1,
    }
    assert logged() == [
        (people["ann"], "outbound", "check-in", "linkedin", "Great to meet you, Ann"),
        (people["yar"], "inbound", "check-in", "linkedin", "Привет! Как дела, Анна?"),
        (people["yamada"], "inbound", "check-in", "linkedin", "こんにちは"),
    ]


def test_importing_again_or_a_newer_export_logs_nothing_twice(
    people: dict[str, int], tmp_path: Path
) -> None:
    first = [row(me(), [("Ann Lee", ANN)], "Hello, Ann", at=NOW - 3 * D)]
    assert run(export(tmp_path / "a.csv", first)).logged == 1
    again = run(export(tmp_path / "a.csv", first))
    assert (again.logged, again.skipped) == (0, {"already logged": 1})
    newer = first + [row(("Ann Lee", ANN), [me()], "Hi Anna", at=NOW - D)]
    result = run(export(tmp_path / "b.csv", newer))
    assert (result.logged, result.skipped) == (1, {"already logged": 1})
    assert len(logged()) == 2


def test_a_thank_you_sent_in_its_window_settles_it_and_plans_the_note(
    people: dict[str, int], tmp_path: Path
) -> None:
    interview = interviews.add_interview(
        people["opp"], NOW - 30 * H, interviewer_ids=[people["ann"]], now=NOW - 5 * D
    )
    interviews.mark_interview_done(interview, now=NOW - 29 * H)
    path = export(tmp_path / "m.csv", [row(me(), [("Ann Lee", ANN)], "Thanks!", at=NOW - 20 * H)])
    result = run(path)
    assert [kind for _, _, kind, *_ in logged()] == ["thank-you"]
    assert result.settled == ("Send a thank-you e-mail — Ann Lee",)
    with reading():
        pending = {
            FollowUpKind(f.kind)
            for f in FollowUp.select().where(
                (FollowUp.contact == people["ann"]) & FollowUp.done_at.is_null()
            )
        }
    assert FollowUpKind.HANDWRITTEN_NOTE in pending
    assert FollowUpKind.THANK_YOU_EMAIL not in pending


def test_their_reply_settles_the_check_in_waiting_for_it(
    people: dict[str, int], tmp_path: Path
) -> None:
    interviews.add_interview(
        people["opp"], NOW + 5 * D, interviewer_ids=[people["ann"]], now=NOW - 5 * D
    )
    asked = run(
        export(tmp_path / "a.csv", [row(me(), [("Ann Lee", ANN)], "Any news?", at=NOW - 3 * D)])
    )
    assert asked.planned == ("Check in — Ann Lee",)
    reply = row(("Ann Lee", ANN), [me()], "I'll call you on Friday.", at=NOW - D)
    answered = run(export(tmp_path / "b.csv", [reply]))
    assert answered.logged == 1 and len(answered.settled) == 1 and answered.planned == ()
    with reading():
        assert not FollowUp.select().where(FollowUp.done_at.is_null()).exists()


def test_store_bodies_keeps_the_whole_text(people: dict[str, int], tmp_path: Path) -> None:
    long_text = "First line of a long message.\n\n" + "word " * 100
    rows = [row(("Ann Lee", ANN), [me()], long_text, subject="Follow-up")]
    run(export(tmp_path / "a.csv", rows), dry_run=False)
    (short,) = [summary for *_, summary in logged()]
    assert short.startswith("Follow-up — First line of a long message. word") and short.endswith(
        "…"
    )
    assert len(short) < 230
    with reading():
        Interaction.delete().execute()
    run(export(tmp_path / "a.csv", rows), store_bodies=True)
    (whole,) = [summary for *_, summary in logged()]
    assert whole.startswith("Follow-up — First line of a long message.\n\nword word")
    assert whole.count("word") == 100


def test_a_dry_run_writes_nothing(people: dict[str, int], tmp_path: Path) -> None:
    interviews.add_interview(
        people["opp"], NOW + 5 * D, interviewer_ids=[people["ann"]], now=NOW - 5 * D
    )
    path = export(tmp_path / "a.csv", [row(me(), [("Ann Lee", ANN)], at=NOW - 2 * D)])
    result = run(path, dry_run=True)
    assert (result.dry_run, result.logged, result.planned) == (True, 1, ("Check in — Ann Lee",))
    assert logged() == []
    with reading():
        assert not FollowUp.select().where(FollowUp.kind == FollowUpKind.CHECK_IN.value).exists()


def test_whose_file_it_is_must_be_told_when_the_file_cannot(
    people: dict[str, int], tmp_path: Path
) -> None:
    # One conversation between two strangers: either could be the user.
    one = [
        row(("Carol", "https://linkedin.com/in/carol"), [("Dan", "https://linkedin.com/in/dan")])
    ]
    path = export(tmp_path / "a.csv", one)
    with pytest.raises(LinkedInExportError, match="pass --me"):
        run(path)
    assert run(path, me="linkedin.com/in/carol").skipped == {"no known contact": 1}
    with pytest.raises(LinkedInExportError, match="not a LinkedIn profile URL"):
        run(path, me="carol@example.org")
    # With Ann: the one of the two who isn't a contact is the user.
    assert run(export(tmp_path / "b.csv", [row(me(), [("Ann Lee", ANN)])])).logged == 1


def test_either_file_goes_through_one_entry(people: dict[str, int], tmp_path: Path) -> None:
    connections = tmp_path / "Connections.csv"
    connections.write_text(
        "Notes:\nx\n\nFirst Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Jörg,Müller,https://www.linkedin.com/in/joerg,,Globex,CTO,15 Mar 2023\n",
        encoding="utf-8-sig",
    )
    assert isinstance(import_linkedin_file(connections, now=NOW), ImportResult)
    messages = export(tmp_path / "messages.csv", [row(me(), [("Ann Lee", ANN)])])
    result = import_linkedin_file(messages, now=NOW, store_bodies=False)
    assert isinstance(result, MailImportResult) and result.logged == 1
    other = tmp_path / "Invitations.csv"
    other.write_text("From,To,Sent At,Message,Direction\n", encoding="utf-8")
    with pytest.raises(LinkedInExportError, match="Connections.csv .* or messages.csv"):
        import_linkedin_file(other, now=NOW)
    with reading():
        assert Interaction.select().count() == 1
