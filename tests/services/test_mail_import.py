"""`crm import mail` as a service: generated mbox and Maildir files, read into conversations
as if the user had logged them, noise skipped, strangers at a company in play proposed."""

from __future__ import annotations

import mailbox
from collections.abc import Iterable
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import pytest

from crm.config import MailSettings
from crm.db.models import (
    Company,
    ContactMethod,
    FollowUp,
    Interaction,
    MailProposal,
    MailSource,
)
from crm.domain.types import ContactDraft, FollowUpKind
from crm.services import interviews, opportunities
from crm.services.contacts import create_contact
from crm.services.mail.importing import MailImportResult, MailSetupError, import_mail
from crm.services.mail.reader import MailboxError
from crm.services.tx import reading, writing

NOW = datetime(2026, 12, 8, 15, 0)  # a Tuesday
H = timedelta(hours=1)
D = timedelta(days=1)
ME = "anna@home.example"
SETTINGS = MailSettings(me=(ME, "anna.work@job.example"), ignore_domains=("bank.example",))


def message(
    sender: str,
    to: str,
    subject: str = "Hello",
    body: str = "Hi there",
    *,
    at: datetime | None = NOW - D,
    message_id: str | None = "",
    cc: str = "",
    extra: Iterable[tuple[str, str]] = (),
) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    if cc:
        mail["Cc"] = cc
    mail["Subject"] = subject
    if at is not None:
        mail["Date"] = format_datetime(at.replace(tzinfo=None), usegmt=False) + " +0000"
    if message_id == "":
        message_id = f"<{abs(hash((sender, to, subject, at)))}@mail.example>"
    if message_id is not None:
        mail["Message-ID"] = message_id
    for name, value in extra:
        mail[name] = value
    mail.set_content(body)
    return mail


def mbox(path: Path, messages: Iterable[EmailMessage]) -> Path:
    box = mailbox.mbox(str(path))
    box.lock()
    for mail in messages:
        box.add(mail)
    box.flush()
    box.unlock()
    box.close()
    return path


def run(path: Path, **options: object) -> MailImportResult:
    values: dict[str, object] = {"settings": SETTINGS, "now": NOW}
    values.update(options)
    return import_mail(path, **values)  # type: ignore[arg-type]


def logged() -> list[tuple[int, str, str, str, str]]:
    with reading():
        return [
            (i.contact_id, i.direction, i.kind, i.channel, i.summary)
            for i in Interaction.select().order_by(Interaction.occurred_at, Interaction.id)
        ]


@pytest.fixture
def people(db_path: Path) -> dict[str, int]:
    """Ann interviews at Initech (open process, website initech.example); Bob is a friend."""
    ann = create_contact(
        ContactDraft(name="Ann Lee", company="Initech", email="Ann.Lee@Initech.example"),
        now=NOW - 30 * D,
    )
    bob = create_contact(ContactDraft(name="Bob", email="bob@gmail.com"), now=NOW - 30 * D)
    with writing():
        ContactMethod.insert(contact=bob, kind="email", value="Bob@Old-Job.example").execute()
        Company.update(website="https://www.initech.example/careers").execute()
    opp = opportunities.add_opportunity("Initech", "Staff Engineer", now=NOW - 20 * D)
    return {"ann": ann, "bob": bob, "opp": opp}


def test_messages_with_known_contacts_are_logged_both_ways(
    people: dict[str, int], tmp_path: Path
) -> None:
    path = mbox(
        tmp_path / "all.mbox",
        [
            message(f"Anna <{ME}>", "Ann <ann.lee@initech.example>", "Intro", at=NOW - 3 * D),
            message("Bob <BOB@old-job.example>", ME, "Lunch?", "Free on Friday?", at=NOW - 2 * D),
            message("Carol <carol@elsewhere.example>", ME, "Unrelated", at=NOW - D),
        ],
    )
    result = run(path)
    assert (result.read, result.logged) == (3, 2)
    assert result.skipped == {"no known contact": 1}
    assert logged() == [
        (people["ann"], "outbound", "check-in", "email", "Intro — Hi there"),
        (people["bob"], "inbound", "check-in", "email", "Lunch? — Free on Friday?"),
    ]


def test_import_needs_your_addresses_and_a_mailbox(people: dict[str, int], tmp_path: Path) -> None:
    with pytest.raises(MailSetupError, match=r"\[mail\] me"):
        import_mail(tmp_path / "x", settings=MailSettings(), now=NOW)
    folder = tmp_path / "folder"
    folder.mkdir()
    with pytest.raises(MailboxError, match="not a Maildir"):
        run(folder)
    text = tmp_path / "notes.txt"
    text.write_text("just some notes\n")
    with pytest.raises(MailboxError, match="not an mbox"):
        run(text)


def test_encoded_multipart_and_html_only_messages_read_as_text(
    people: dict[str, int], tmp_path: Path
) -> None:
    cyrillic = message("Анна Ли <ann.lee@initech.example>", ME, "Собеседование в четверг")
    multipart = message("ann.lee@initech.example", ME, "Both", "The plain words", at=NOW - 2 * D)
    multipart.add_alternative("<p>The <b>HTML</b> words</p>", subtype="html")
    multipart.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="a.pdf")
    html = message("ann.lee@initech.example", ME, "Only HTML", at=NOW - 3 * D)
    html.set_content(
        "<html><head><style>p{}</style></head><body><p>Dear&nbsp;Anna,</p>"
        "<p>See you <i>soon</i>.</p><blockquote>old stuff</blockquote></body></html>",
        subtype="html",
    )
    path = mbox(tmp_path / "m.mbox", [cyrillic, multipart, html])
    raw = path.read_bytes()
    assert "Собеседование".encode() not in raw  # the subject really is RFC 2047-encoded
    assert run(path).logged == 3
    assert [summary for *_, summary in logged()] == [
        "Only HTML — Dear Anna, See you soon.",
        "Both — The plain words",
        "Собеседование в четверг — Hi there",
    ]


def test_snippets_are_short_and_leave_quoted_replies_out(
    people: dict[str, int], tmp_path: Path
) -> None:
    body = "Thanks   for\n\nthe   call. " + "word " * 100 + "\n\nOn Mon, Ann wrote:\n> earlier\n"
    reply = message("ann.lee@initech.example", ME, "Re: call", "Sounds good\n> what you said\n")
    path = mbox(tmp_path / "m.mbox", [message(ME, "ann.lee@initech.example", "Call", body), reply])
    run(path)
    long_one, short_one = sorted((s for *_, s in logged()), key=len, reverse=True)
    assert long_one.startswith("Call — Thanks for the call. word word")
    assert long_one.endswith("…") and len(long_one) <= len("Call — ") + 201
    assert "wrote" not in long_one and "earlier" not in long_one
    assert short_one == "Re: call — Sounds good"


def test_whole_bodies_are_kept_only_when_asked(people: dict[str, int], tmp_path: Path) -> None:
    body = "Line one.\n\n" + "more " * 100
    path = mbox(tmp_path / "m.mbox", [message("ann.lee@initech.example", ME, "Long", body)])
    run(path, settings=MailSettings(me=(ME,), store_bodies=True))
    [(*_, summary)] = logged()
    assert summary == "Long — " + body.strip()


def test_broken_dates_duplicates_and_missing_message_ids(
    people: dict[str, int], tmp_path: Path
) -> None:
    broken = message("ann.lee@initech.example", ME, "No date", at=None)
    broken["Date"] = "the day after tomorrow"
    missing = message("ann.lee@initech.example", ME, "No date at all", at=None)
    same = message("ann.lee@initech.example", ME, "Twice", message_id="<same@x>", at=NOW - 2 * D)
    again = message("ann.lee@initech.example", ME, "Twice", message_id="<same@x>", at=NOW - 2 * D)
    no_id = message("ann.lee@initech.example", ME, "No id", message_id=None, at=NOW - 3 * D)
    future = message("ann.lee@initech.example", ME, "Later", at=NOW + 3 * D)
    path = mbox(tmp_path / "m.mbox", [broken, missing, same, again, no_id, future])
    first = run(path)
    assert first.logged == 2
    assert first.skipped == {
        "already logged": 1,
        "dated in the future": 1,
        "no or broken date": 2,
    }
    copy = tmp_path / "copy.mbox"  # the same file again would resume at its end
    copy.write_bytes(path.read_bytes())
    second = run(copy)  # nothing twice, the message without a Message-ID included
    assert second.logged == 0 and second.skipped["already logged"] == 3
    assert len(logged()) == 2


def test_lists_robots_and_ignored_domains_are_skipped(
    people: dict[str, int], tmp_path: Path
) -> None:
    ann = "ann.lee@initech.example"
    path = mbox(
        tmp_path / "m.mbox",
        [
            message(ann, ME, "News", extra=[("List-Id", "<team.initech.example>")]),
            message(ann, ME, "Digest", extra=[("List-Unsubscribe", "<mailto:u@x>")]),
            message(ann, ME, "Bulk", extra=[("Precedence", "bulk")]),
            message("no-reply@initech.example", ME, "Your application"),
            message("MAILER-DAEMON@home.example", ME, "Undelivered"),
            message(ann, f"{ME}, statements@mail.bank.example", "Cc the bank"),
        ],
    )
    result = run(path)
    assert result.logged == 0 and logged() == []
    assert result.skipped == {
        "ignored domain": 1,
        "mailing list or bulk": 3,
        "no known contact": 1,  # strangers' mail is passed over before any other question
        "no-reply sender": 1,
    }
    assert result.proposed == ()


def test_strangers_at_a_company_in_play_are_proposed_not_created(
    people: dict[str, int], tmp_path: Path
) -> None:
    path = mbox(
        tmp_path / "m.mbox",
        [
            message("=?utf-8?b?0JrQsNGC0Y8=?= <katya@initech.example>", ME, "Hi", at=NOW - 3 * D),
            message("katya@initech.example", ME, "Again", at=NOW - 2 * D),
            message(ME, "hr@initech.example", "My CV", at=NOW - D),
            message("someone@gmail.com", ME, "Hi"),  # Bob's webmail says nothing of a company
            message("x@old-job.example", ME, "Hi"),  # no open process there
        ],
    )
    result = run(path)
    assert [(p.address, p.name, p.company, p.messages) for p in result.proposed] == [
        ("katya@initech.example", "Катя", "Initech", 2),
        ("hr@initech.example", "", "Initech", 1),
    ]
    assert result.logged == 0
    run(path)  # importing again counts nothing twice
    with reading():
        rows = [
            (p.address, p.messages, p.state, p.first_seen)
            for p in MailProposal.select().order_by(MailProposal.address)
        ]
    assert rows == [
        ("hr@initech.example", 1, "pending", NOW - D),
        ("katya@initech.example", 2, "pending", NOW - 3 * D),
    ]


def test_a_thank_you_sent_in_its_window_settles_it_and_plans_the_note(
    people: dict[str, int], tmp_path: Path
) -> None:
    interview = interviews.add_interview(
        people["opp"], NOW - 30 * H, interviewer_ids=[people["ann"]], now=NOW - 5 * D
    )
    interviews.mark_interview_done(interview, now=NOW - 29 * H)
    path = mbox(
        tmp_path / "m.mbox",
        [message(ME, "ann.lee@initech.example", "Thank you", "Thanks for today!", at=NOW - 20 * H)],
    )
    result = run(path)
    assert result.logged == 1
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


def test_their_reply_settles_the_check_in_and_reads_no_promise_of_yours(
    people: dict[str, int], tmp_path: Path
) -> None:
    interviews.add_interview(
        people["opp"], NOW + 5 * D, interviewer_ids=[people["ann"]], now=NOW - 5 * D
    )
    ask = message(ME, "ann.lee@initech.example", "Any news?", "Any news?", at=NOW - 3 * D)
    path = mbox(tmp_path / "a.mbox", [ask])
    first = run(path)
    assert [line.split(" — ")[1] for line in first.planned] == ["Ann Lee"]
    reply = message(
        "ann.lee@initech.example", ME, "Re: Any news?", "I'll call you on Friday.", at=NOW - D
    )
    second = run(mbox(tmp_path / "b.mbox", [reply]))
    assert second.logged == 1 and len(second.settled) == 1 and second.planned == ()
    with reading():
        assert not FollowUp.select().where(FollowUp.done_at.is_null()).exists()


def test_messages_from_before_the_contact_existed_still_match(
    people: dict[str, int], tmp_path: Path
) -> None:
    old = message("bob@gmail.com", ME, "Long ago", at=NOW - 400 * D)
    assert run(mbox(tmp_path / "m.mbox", [old])).logged == 1


def test_since_leaves_older_messages_out(people: dict[str, int], tmp_path: Path) -> None:
    path = mbox(
        tmp_path / "m.mbox",
        [
            message("bob@gmail.com", ME, "Old", at=NOW - 40 * D),
            message("bob@gmail.com", ME, "New", at=NOW - 2 * D),
        ],
    )
    result = run(path, since=NOW - 30 * D)
    assert result.logged == 1 and result.skipped == {"before --since": 1}


def test_a_dry_run_writes_nothing(people: dict[str, int], tmp_path: Path) -> None:
    path = mbox(
        tmp_path / "m.mbox",
        [
            message("bob@gmail.com", ME, "Hi", at=NOW - 2 * D),
            message("bob@gmail.com", ME, "Hi", at=NOW - 2 * D),  # same id: counted as a duplicate
            message("katya@initech.example", ME, "Hi"),
        ],
    )
    result = run(path, dry_run=True)
    assert (result.dry_run, result.logged) == (True, 1)
    assert result.skipped == {"already logged": 1, "no known contact": 1}
    assert len(result.proposed) == 1
    with reading():
        assert Interaction.select().count() == 0
        assert MailProposal.select().count() == 0
    assert run(path).logged == 1


def test_an_interrupted_import_resumes_without_duplicates(
    people: dict[str, int], tmp_path: Path
) -> None:
    messages = [
        message("bob@gmail.com", ME, f"Message {n}", at=NOW - (10 - n) * H) for n in range(10)
    ]
    whole = mbox(tmp_path / "whole.mbox", messages)
    raw = whole.read_bytes()
    cut = tmp_path / "cut.mbox"
    cut.write_bytes(raw[: raw.index(b"Message 6")])  # killed mid-file, mid-message
    assert run(cut).logged == 6
    result = run(whole)
    assert result.logged == 4 and result.skipped == {"already logged": 6}
    assert len(logged()) == 10
    with reading():
        source = MailSource.get(MailSource.source == str(whole.resolve()))
    assert source.last_offset == len(raw)  # where the next source-aware import may resume


def test_a_maildir_is_read_like_an_mbox(people: dict[str, int], tmp_path: Path) -> None:
    box = mailbox.Maildir(str(tmp_path / "Mail"), create=True)
    box.add(message(ME, "Ann Lee <ann.lee@initech.example>", "From the Maildir"))
    box.add(message("katya@initech.example", ME, "Hi"))
    box.close()
    result = run(tmp_path / "Mail")
    assert result.logged == 1 and [p.address for p in result.proposed] == ["katya@initech.example"]


def test_one_message_to_two_contacts_is_a_conversation_with_each(
    people: dict[str, int], tmp_path: Path
) -> None:
    mail = message(ME, "ann.lee@initech.example", "Both of you", cc="Bob <bob@gmail.com>")
    path = mbox(tmp_path / "m.mbox", [mail])
    assert run(path).logged == 2
    assert sorted(c for c, *_ in logged()) == sorted([people["ann"], people["bob"]])
    assert run(path).logged == 0
