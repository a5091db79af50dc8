"""Drafts of follow-up messages against a real database: every kind in English and Russian,
the variants, the user's own templates, the language chosen, .eml and mailto:, and logging
a draft as sent."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from email import message_from_bytes
from email.parser import BytesParser
from email.policy import default
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from crm import paths
from crm.db.models import FollowUp, Interview
from crm.domain.drafts import split_text
from crm.domain.types import ContactDraft, FollowUpKind, Stage
from crm.services import connections, contacts, drafts, interviews, opportunities, references
from crm.services.tx import reading, writing

# conftest's NOW is Wednesday 18 November 2026, 15:00 UTC (TZ=UTC): the next step, two
# business days on, is Friday.
NEXT_DAY = {"en": "on Friday", "ru": "в пятницу"}
CLOSINGS = {
    "en": (
        "I'll call you on Friday if I haven't heard back.",
        "I'll follow up on Friday.",
        "I'll be in touch on Friday.",
    ),
    "ru": ("Я позвоню вам в пятницу, если от вас не будет вестей.", "Я свяжусь с вами в пятницу."),
}
GIVING_UP = ("hope to hear", "let me know", "жду ответа", "жду вашего ответа", "дайте знать")


def _world(now: datetime, *, quiet: bool = False) -> dict[str, int]:
    """Staff Engineer at Initech: Кэти referred the user, Ann Lee interviewed them in the
    second round; 山田 太郎 is a reference who knows Ann."""
    ann = contacts.create_contact(
        ContactDraft(
            name="Ann Lee", company="Initech", role="CTO", email="ann@initech.example",
            topics=("never seen Agile work",),
        ),
        now=now,
    )  # fmt: skip
    katie = contacts.create_contact(
        ContactDraft(name="Кэти Смирнова", email="katie@example.ru", language="ru"), now=now
    )
    taro = contacts.create_contact(
        ContactDraft(name="山田 太郎 (Yamada Taro)", email="taro@yamada.example"), now=now
    )
    references.save_reference(
        taro,
        relationship="my direct supervisor for three years",
        talking_points="how I grew in a fast-paced environment",
        now=now,
    )
    connections.add_connection(taro, ann, now=now)
    opp = opportunities.add_opportunity(
        "Initech", "Staff Engineer", referrer_ids=[katie], quiet=quiet, now=now
    )
    first = interviews.add_interview(opp, now - timedelta(days=8), interviewer_ids=[], now=now)
    second = interviews.add_interview(opp, now - timedelta(days=1), interviewer_ids=[ann], now=now)
    with writing():
        Interview.update(notes="Asked about on-call.\nShe likes Rust.").where(
            Interview.id == second
        ).execute()
    return {"ann": ann, "katie": katie, "taro": taro, "opp": opp, "first": first, "second": second}


def _follow_up(kind: FollowUpKind, contact: int, world: dict[str, int], now: datetime) -> int:
    with writing():
        return int(
            FollowUp.insert(
                contact=contact,
                opportunity=world["opp"],
                interview=world["second"],
                kind=kind.value,
                window_start=now - timedelta(hours=1),
                window_end=now + timedelta(days=1),
            ).execute()
        )


ADDRESSEE = {
    FollowUpKind.THANK_YOU_EMAIL: "ann",
    FollowUpKind.HANDWRITTEN_NOTE: "ann",
    FollowUpKind.CHECK_IN: "ann",
    FollowUpKind.CASUAL_TOUCH: "ann",
    FollowUpKind.THANK_REFERRER: "katie",
    FollowUpKind.HEADS_UP: "taro",
    FollowUpKind.TELL_INTERVIEWED: "taro",
    FollowUpKind.BRIEF_REFERENCE: "taro",
    FollowUpKind.THANK_REFERENCE: "taro",
    FollowUpKind.KEEP_IN_TOUCH: "ann",
    FollowUpKind.TELL_OUTCOME: "katie",
    FollowUpKind.OTHER: "ann",
}
FIRST_NAMES = {"ann": "Ann", "katie": "Кэти", "taro": "山田 太郎"}
# What each kind's message must say, beyond the addressee's name and the closing.
MUST_SAY = {
    FollowUpKind.THANK_YOU_EMAIL: ("Staff Engineer", "Initech", "Asked about on-call"),
    FollowUpKind.HANDWRITTEN_NOTE: ("Initech", "Asked about on-call"),
    FollowUpKind.CHECK_IN: ("Staff Engineer", "Initech"),
    FollowUpKind.CASUAL_TOUCH: ("never seen Agile work",),
    FollowUpKind.THANK_REFERRER: ("Staff Engineer", "Initech", "Ann Lee"),
    FollowUpKind.HEADS_UP: ("Staff Engineer", "Initech", "Ann Lee"),
    FollowUpKind.TELL_INTERVIEWED: ("Staff Engineer", "Initech", "Ann Lee"),
    FollowUpKind.BRIEF_REFERENCE: (
        "Staff Engineer",
        "Initech",
        "how I grew in a fast-paced environment",
        "my direct supervisor for three years",
        "Ann Lee",
    ),  # fmt: skip
    FollowUpKind.THANK_REFERENCE: ("Staff Engineer", "Initech"),
    FollowUpKind.KEEP_IN_TOUCH: ("Initech", "never seen Agile work"),
    FollowUpKind.TELL_OUTCOME: ("Staff Engineer", "Initech"),
    FollowUpKind.OTHER: ("never seen Agile work",),
}
ROUND = {"en": "second-round", "ru": "второго этапа"}


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("kind", list(FollowUpKind))
def test_every_kind_is_filled_from_what_crm_knows(
    db_path: Path, now: datetime, kind: FollowUpKind, language: str
) -> None:
    world = _world(now)
    follow_up = _follow_up(kind, world[ADDRESSEE[kind]], world, now)
    draft = drafts.draft_for(follow_up, language=language, now=now)
    text = draft.text
    assert (draft.kind, draft.language, draft.contact_id) == (
        kind,
        language,
        world[ADDRESSEE[kind]],
    )
    assert text.startswith(f"Subject: {draft.subject}\n\n") and draft.subject
    assert "${" not in text and "$" not in text
    assert FIRST_NAMES[ADDRESSEE[kind]] in draft.body
    for fact in MUST_SAY[kind]:
        assert fact in text, (kind, language, fact)
    assert any(closing in draft.body for closing in CLOSINGS[language]), draft.body
    assert NEXT_DAY[language] in draft.body
    assert not any(phrase in text.casefold() for phrase in GIVING_UP)
    # No signature configured: a marked blank, listed; every blank in the text is listed.
    assert "signature" in draft.blanks
    marked = re.findall(r"\[\[[^\]]+\]\]", text)
    assert len(set(marked)) == len(draft.blanks)
    if kind is FollowUpKind.THANK_REFERRER:
        assert ROUND[language] in draft.body
    if kind is FollowUpKind.CASUAL_TOUCH:
        assert draft.blanks == ("link", "signature")


def test_the_day_names_follow_the_interview_and_the_language(db_path: Path, now: datetime) -> None:
    world = _world(now)
    follow_up = _follow_up(FollowUpKind.THANK_YOU_EMAIL, world["ann"], world, now)
    # The interview was yesterday, Tuesday 17 November: a past day is said as its date.
    assert "on 17 November" in drafts.draft_for(follow_up, language="en", now=now).body
    assert "17 ноября" in drafts.draft_for(follow_up, language="ru", now=now).body


def test_what_crm_doesnt_know_is_a_marked_blank(db_path: Path, now: datetime) -> None:
    lena = contacts.create_contact(ContactDraft(name="Lena Hoffmann"), now=now)
    with writing():
        follow_up = int(
            FollowUp.insert(
                contact=lena, kind="casual-touch", window_start=now, window_end=now
            ).execute()
        )
    en = drafts.draft_for(follow_up, language="en", now=now)
    assert "[[topic you talked about]]" in en.text and "[[your name]]" in en.body
    assert en.blanks == ("topic", "link", "signature")
    assert en.to == ""
    ru = drafts.draft_for(follow_up, language="ru", now=now)
    assert "«[[тема разговора]]»" in ru.text and "[[ваше имя]]" in ru.body
    keep = drafts.draft_for(_keep_in_touch(lena, now), language="en", now=now)
    assert "[[company]]" in keep.body and "company" in keep.blanks


def _keep_in_touch(contact: int, now: datetime) -> int:
    with writing():
        return int(
            FollowUp.insert(
                contact=contact, kind="keep-in-touch", window_start=now, window_end=now
            ).execute()
        )


def test_a_quiet_process_names_no_interviewer_and_no_role(db_path: Path, now: datetime) -> None:
    world = _world(now, quiet=True)
    for kind in (FollowUpKind.TELL_INTERVIEWED, FollowUpKind.HEADS_UP):
        follow_up = _follow_up(kind, world["taro"], world, now)
        for language in ("en", "ru"):
            text = drafts.draft_for(follow_up, language=language, now=now).text
            assert "Ann Lee" not in text and "Staff Engineer" not in text
            assert "Initech" not in text
            assert NEXT_DAY[language] in text


@pytest.mark.parametrize(
    ("stage", "en", "ru"),
    [
        (Stage.ACCEPTED, "I have accepted the offer", "я принимаю предложение"),
        (Stage.REJECTED, "went with another candidate", "выбрала другого кандидата"),
        (Stage.WITHDRAWN, "I have withdrawn", "больше не участвую"),
        (Stage.CLOSED, "has closed", "закрыт"),
    ],
)
def test_how_it_ended_has_a_message_per_outcome(
    db_path: Path, now: datetime, stage: Stage, en: str, ru: str
) -> None:
    world = _world(now)
    opportunities.set_stage(world["opp"], stage, now=now)
    with reading():
        follow_up = (
            FollowUp.select(FollowUp.id)
            .where((FollowUp.kind == "tell-outcome") & (FollowUp.contact == world["katie"]))
            .scalar()
        )
    assert follow_up is not None
    assert en in drafts.draft_for(follow_up, language="en", now=now).body
    text = drafts.draft_for(follow_up, now=now).body  # Кэти's own language
    assert ru in text and "Кэти" in text


def test_the_language_is_the_contacts_then_the_configs_then_the_option(
    db_path: Path, now: datetime
) -> None:
    world = _world(now)
    katie = _follow_up(FollowUpKind.THANK_REFERRER, world["katie"], world, now)
    ann = _follow_up(FollowUpKind.CHECK_IN, world["ann"], world, now)
    assert drafts.draft_for(katie, now=now).language == "ru"
    assert drafts.draft_for(ann, now=now).language == "en"
    paths.config_path().parent.mkdir(parents=True, exist_ok=True)
    paths.config_path().write_text('[drafts]\nlanguage = "ru"\nsignature = "Анна Петрова"\n')
    draft = drafts.draft_for(ann, now=now)
    assert draft.language == "ru" and "Анна Петрова" in draft.body
    assert "signature" not in draft.blanks
    assert drafts.draft_for(katie, language="en", now=now).language == "en"
    with pytest.raises(drafts.DraftError, match="isn't a draft language"):
        drafts.draft_for(katie, language="fr", now=now)


def test_the_users_own_template_wins(db_path: Path, now: datetime) -> None:
    world = _world(now)
    follow_up = _follow_up(FollowUpKind.CHECK_IN, world["ann"], world, now)
    own = paths.drafts_dir() / "en"
    own.mkdir(parents=True)
    (own / "check-in.txt").write_text(
        "Subject: ${role}?\n\nYo ${first_name}, $$5 says I'll call you ${next_day}.\n",
        encoding="utf-8",
    )
    draft = drafts.draft_for(follow_up, language="en", now=now)
    assert draft.subject == "Staff Engineer?"
    assert draft.body == "Yo Ann, $5 says I'll call you on Friday.\n"
    assert drafts.draft_for(follow_up, language="ru", now=now).subject.startswith("Позиция")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("Hi ${first_name}\n", "the first line must be “Subject: …”"),
        ("Subject: Hi\n\nDear ${nickname},\n", "there is no field ${nickname}"),
        ("Subject: Hi\n\nThat costs $5.\n", "write $$ for a dollar"),
    ],
)
def test_a_broken_template_of_the_users_is_one_line_naming_it(
    db_path: Path, now: datetime, text: str, fragment: str
) -> None:
    world = _world(now)
    follow_up = _follow_up(FollowUpKind.CHECK_IN, world["ann"], world, now)
    own = paths.drafts_dir() / "en"
    own.mkdir(parents=True)
    (own / "check-in.txt").write_text(text, encoding="utf-8")
    with pytest.raises(drafts.DraftError) as raised:
        drafts.draft_for(follow_up, language="en", now=now)
    message = str(raised.value)
    assert fragment in message and "check-in.txt" in message and "\n" not in message


def test_an_unknown_follow_up_is_a_draft_error(db_path: Path, now: datetime) -> None:
    with pytest.raises(drafts.DraftError, match="There is no follow-up #404"):
        drafts.draft_for(404, now=now)


def test_the_eml_parses_back_with_the_cyrillic_subject_and_body(
    db_path: Path, now: datetime
) -> None:
    world = _world(now)
    follow_up = _follow_up(FollowUpKind.THANK_REFERRER, world["katie"], world, now)
    draft = drafts.draft_for(follow_up, now=now)
    message = BytesParser(policy=default).parsebytes(drafts.eml_bytes(draft))
    assert message["To"].addresses[0].addr_spec == "katie@example.ru"
    assert message["To"].addresses[0].display_name == "Кэти Смирнова"
    assert message["Subject"] == draft.subject and "Initech" in message["Subject"]
    assert message["X-Unsent"] == "1" and message["Message-ID"] and message["Date"]
    body = message.get_body(("plain",))
    # On the wire lines end in CRLF.
    assert body is not None and body.get_content().replace("\r\n", "\n") == draft.body


def test_no_header_can_be_injected_through_a_name_or_a_subject(
    db_path: Path, now: datetime
) -> None:
    world = _world(now)
    follow_up = _follow_up(FollowUpKind.CHECK_IN, world["ann"], world, now)
    draft = drafts.draft_for(follow_up, now=now)
    data = drafts.eml_bytes(draft, subject="Hi\r\nBcc: evil@example.com", body="Body\n")
    message = message_from_bytes(data, policy=default)
    assert message["Bcc"] is None and "evil@example.com" in message["Subject"]
    assert message.get_body(("plain",)).get_content() == "Body\r\n"  # type: ignore[union-attr]


def test_the_mailto_link_parses_back(db_path: Path, now: datetime) -> None:
    world = _world(now)
    follow_up = _follow_up(FollowUpKind.THANK_REFERRER, world["katie"], world, now)
    draft = drafts.draft_for(follow_up, now=now)
    url = drafts.mailto_url(draft)
    parts = urlsplit(url)
    assert parts.scheme == "mailto" and unquote(parts.path) == "katie@example.ru"
    query = parse_qs(parts.query)
    assert query["subject"] == [draft.subject]
    assert query["body"] == [draft.body.replace("\n", "\r\n")]
    lena = contacts.create_contact(ContactDraft(name="Lena 李"), now=now)
    unknown = drafts.draft_for(_keep_in_touch(lena, now), now=now)
    assert drafts.mailto_url(unknown).startswith("mailto:?subject=")


def test_log_sent_settles_the_thank_you_and_plans_the_handwritten_note(
    db_path: Path, now: datetime
) -> None:
    world = _world(now)
    follow_up = _follow_up(FollowUpKind.THANK_YOU_EMAIL, world["ann"], world, now)
    edited = drafts.draft_for(follow_up, now=now).text.replace("Kind regards", "Best")
    result = drafts.log_sent(follow_up, edited, now=now)
    assert follow_up in result.closed_follow_up_ids
    assert [note.kind for note in result.settled] == [FollowUpKind.THANK_YOU_EMAIL]
    assert FollowUpKind.HANDWRITTEN_NOTE in [note.kind for note in result.planned]
    view = contacts.get_contact(world["ann"], now=now)
    assert view.interactions == 1
    with reading():
        from crm.db.models import Interaction

        logged = Interaction.get(Interaction.id == result.interaction_id)
    assert (logged.kind, logged.channel, logged.direction) == ("thank-you", "email", "outbound")
    subject, body = split_text(edited)
    assert logged.summary == f"Sent: {subject}\n\n{body}".strip()
    with pytest.raises(drafts.DraftError, match="done already"):
        drafts.log_sent(follow_up, now=now)


def test_log_sent_settles_a_follow_up_its_kind_alone_wouldnt(db_path: Path, now: datetime) -> None:
    world = _world(now)
    follow_up = _follow_up(FollowUpKind.OTHER, world["ann"], world, now)
    result = drafts.log_sent(follow_up, now=now)
    assert follow_up in result.closed_follow_up_ids
    with reading():
        settled = FollowUp.get(FollowUp.id == follow_up)
    assert settled.done_at == now and settled.settled_by_id == result.interaction_id


def test_split_text_reads_an_edited_draft_back(db_path: Path, now: datetime) -> None:
    assert split_text("Subject:  Привет \n\nТело\nписьма\n") == ("Привет", "Тело\nписьма\n")
    assert split_text("No subject here\n") == ("", "No subject here\n")
    assert split_text("Subject: Only\n") == ("Only", "")
