"""The message of a follow-up: the facts crm knows, the template chosen for them, and the draft
filled from both, with a marked blank wherever crm knows nothing (never an invented claim).

Templates are plain text: a ``Subject: …`` line, a blank line, the body, with ``${field}``
placeholders (string.Template: a value is put in as it is, never read as a template again).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from string import Template

from crm.domain.day_words import DRAFT_LANGUAGES, on_day
from crm.domain.types import FollowUpKind, Stage

FIELDS = (
    "first_name",
    "name",
    "company",
    "role",
    "round",
    "interview_day",
    "interviewers",
    "interviewer",
    "referrer",
    "referrers",
    "topic",
    "interview_notes",
    "connection",
    "talking_points",
    "relationship",
    "outcome",
    "link",
    "how_it_went",
    "next_day",
    "signature",
)
"""Every ``${field}`` a template may use (README, "Writing the message", says what each holds)."""

BLANK_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "first_name": "their first name",
        "name": "their name",
        "company": "company",
        "role": "role",
        "round": "which round",
        "interview_day": "day of the interview",
        "interviewers": "the interviewers' names",
        "interviewer": "the interviewer's name",
        "referrer": "who referred you",
        "referrers": "who referred you",
        "topic": "topic you talked about",
        "interview_notes": "something you talked about in the interview",
        "connection": "a person you both know",
        "talking_points": "what they can speak to",
        "relationship": "how you worked together",
        "outcome": "how it ended",
        "link": "link to the piece",
        "how_it_went": "how it went, in a sentence",
        "next_day": "the day of your next step",
        "signature": "your name",
    },
    "ru": {
        "first_name": "имя",
        "name": "имя и фамилия",
        "company": "компания",
        "role": "должность",
        "round": "какого этапа",
        "interview_day": "день собеседования",
        "interviewers": "имена интервьюеров",
        "interviewer": "имя интервьюера",
        "referrer": "кто вас рекомендовал",
        "referrers": "кто вас рекомендовал",
        "topic": "тема разговора",
        "interview_notes": "что обсуждали на собеседовании",
        "connection": "общий знакомый",
        "talking_points": "о чём он может рассказать",
        "relationship": "как вы работали вместе",
        "outcome": "чем всё закончилось",
        "link": "ссылка на статью",
        "how_it_went": "как всё прошло, одной фразой",
        "next_day": "день следующего шага",
        "signature": "ваше имя",
    },
}
"""What a marked blank asks the user for, per language: ``[[topic you talked about]]``."""

_ROUNDS = {
    "en": ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth"),
    "ru": (
        "первого",
        "второго",
        "третьего",
        "четвёртого",
        "пятого",
        "шестого",
        "седьмого",
        "восьмого",
    ),
}

_OUTCOMES = {
    "en": {
        Stage.ACCEPTED: "I have accepted their offer",
        Stage.REJECTED: "they went with another candidate",
        Stage.WITHDRAWN: "I have withdrawn from the process",
        Stage.CLOSED: "the process has closed",
    },
    "ru": {
        Stage.ACCEPTED: "я принимаю их предложение",
        Stage.REJECTED: "они выбрали другого кандидата",
        Stage.WITHDRAWN: "я больше не участвую в этом отборе",
        Stage.CLOSED: "отбор закрыт",
    },
}
"""How it ended, said in the first person or about them (Russian without a gendered past)."""

_AND = {"en": "and", "ru": "и"}
NOTES_LENGTH = 120
"""A line from the interview's notes longer than this is cut at a word."""
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


class TemplateProblem(ValueError):
    """A template can't be used; the message is one line naming the file."""


@dataclass(frozen=True)
class DraftFacts:
    """What crm knows for one follow-up's message, as read by the drafts service."""

    follow_up_id: int
    kind: FollowUpKind
    language: str
    today: date
    """The user's local date now: days are named from it."""
    next_day: date
    """The local date of the user's next step, named in the closing."""
    contact_id: int
    contact_name: str
    email: str = ""
    company: str = ""
    role: str = ""
    round: int | None = None
    """Which round the interview was (1 = the first); None when there is no interview."""
    interview_day: date | None = None
    interviewers: tuple[str, ...] = ()
    referrers: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    interview_notes: str = ""
    connection: str = ""
    talking_points: str = ""
    relationship: str = ""
    stage: Stage | None = None
    quiet: bool = False
    signature: str = ""


@dataclass(frozen=True)
class Draft:
    """A follow-up's message, ready to edit, copy, mail or log as sent."""

    follow_up_id: int
    kind: FollowUpKind
    language: str
    contact_id: int
    contact_name: str
    to: str
    """The contact's e-mail, "" when unknown."""
    subject: str
    body: str
    blanks: tuple[str, ...] = field(default=())
    """The fields left as marked blanks, in the order they first appear."""

    @property
    def text(self) -> str:
        """What the editor and a copy get: the subject line, a blank line, the body."""
        return f"Subject: {self.subject}\n\n{self.body}"


def template_names(
    kind: FollowUpKind, *, quiet: bool = False, stage: Stage | None = None
) -> tuple[str, ...]:
    """The template names for a follow-up, the most specific first (without ``.txt``).

    A quiet process gets the quiet variant of the back-channel messages (no interviewer, no
    role named); "how it ended" has a variant per closing stage.
    """
    names = [kind.value]
    if quiet and kind in (FollowUpKind.TELL_INTERVIEWED, FollowUpKind.HEADS_UP):
        names.insert(0, f"{kind.value}.quiet")
    if kind is FollowUpKind.TELL_OUTCOME and stage is not None and not stage.is_open:
        names.insert(0, f"{kind.value}.{stage.value}")
    return tuple(names)


def parse_template(text: str, name: str) -> tuple[Template, Template]:
    """A template's (subject, body); TemplateProblem naming ``name`` when it has no Subject
    line or uses a field crm doesn't know."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    first, _, rest = text.partition("\n")
    if not first.startswith("Subject:"):
        raise TemplateProblem(f"{name}: the first line must be “Subject: …”.")
    subject = Template(first.removeprefix("Subject:").strip())
    body = Template(rest.lstrip("\n").rstrip() + "\n")
    for part in (subject, body):
        if not part.is_valid():
            raise TemplateProblem(
                f"{name}: a “$” that starts no ${{field}}; write $$ for a dollar."
            )
        unknown = [field for field in part.get_identifiers() if field not in FIELDS]
        if unknown:
            raise TemplateProblem(
                f"{name}: there is no field ${{{unknown[0]}}}"
                " (the fields are listed in the README, “Writing the message”)."
            )
    return subject, body


def blank(language: str, field_name: str) -> str:
    """The marked blank for a field crm knows nothing of: ``[[topic you talked about]]``."""
    labels = BLANK_LABELS.get(language, BLANK_LABELS["en"])
    return f"[[{labels[field_name]}]]"


_BLANK = re.compile(r"\[\[[^\]\n]{1,80}\]\]")


def blanks_in(text: str) -> list[str]:
    """The marked blanks still in ``text`` (after the user's edits), in order."""
    return _BLANK.findall(text)


def joined(language: str, names: tuple[str, ...]) -> str:
    """Names as a sentence says them: "Ann, Bob and Kim", «Ann, Bob и Kim»."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {_AND.get(language, 'and')} {names[-1]}"


def first_name(name: str) -> str:
    """What a message calls someone: their first word; a CJK name is used whole (family
    name first, so its first word isn't a given name)."""
    name = name.strip()
    if _CJK.search(name):
        return name.split(" (")[0]
    return name.split()[0] if name.split() else name


def round_words(language: str, number: int) -> str:
    """Which round, as a message says it: "second-round", «второго этапа»."""
    words = _ROUNDS.get(language, _ROUNDS["en"])
    if language == "ru":
        ordinal = words[number - 1] if number <= len(words) else f"{number}-го"
        return f"{ordinal} этапа"
    ordinal = words[number - 1] if number <= len(words) else f"{number}th"
    return f"{ordinal}-round"


def short_line(notes: str) -> str:
    """The first line of notes that says something, cut at a word if long."""
    for line in notes.splitlines():
        # The sentence around it ends it: a note's own full stop would double it.
        line = " ".join(line.split()).strip(" -•*").rstrip(".;:,!")
        if line:
            if len(line) <= NOTES_LENGTH:
                return line
            return line[:NOTES_LENGTH].rsplit(" ", 1)[0] + "…"
    return ""


def values_of(facts: DraftFacts) -> dict[str, str]:
    """Every field's text for these facts; "" where crm knows nothing (marked later)."""
    language = facts.language
    interviewers = facts.interviewers
    return {
        "first_name": first_name(facts.contact_name),
        "name": facts.contact_name.strip(),
        "company": facts.company,
        "role": facts.role,
        "round": round_words(language, facts.round) if facts.round else "",
        "interview_day": (
            on_day(language, facts.interview_day, facts.today) if facts.interview_day else ""
        ),
        "interviewers": joined(language, interviewers),
        "interviewer": interviewers[0] if interviewers else "",
        "referrer": facts.referrers[0] if facts.referrers else "",
        "referrers": joined(language, facts.referrers),
        "topic": facts.topics[0] if facts.topics else "",
        "interview_notes": short_line(facts.interview_notes),
        "connection": facts.connection,
        "talking_points": " ".join(facts.talking_points.split()),
        "relationship": " ".join(facts.relationship.split()),
        "outcome": _OUTCOMES.get(language, _OUTCOMES["en"]).get(facts.stage, "")
        if facts.stage is not None
        else "",
        "link": "",
        "how_it_went": "",  # only the user can say; crm never claims it went well
        "next_day": on_day(language, facts.next_day, facts.today),
        "signature": facts.signature.strip(),
    }


def fill(subject: Template, body: Template, facts: DraftFacts) -> Draft:
    """The draft of a parsed template for these facts, unknown facts as marked blanks."""
    language = facts.language if facts.language in DRAFT_LANGUAGES else "en"
    values = values_of(facts)
    used = [*subject.get_identifiers(), *body.get_identifiers()]
    blanks = tuple(dict.fromkeys(name for name in used if not values[name]))
    filled = {name: values[name] or blank(language, name) for name in FIELDS}
    return Draft(
        follow_up_id=facts.follow_up_id,
        kind=facts.kind,
        language=language,
        contact_id=facts.contact_id,
        contact_name=facts.contact_name,
        to=facts.email,
        subject=" ".join(subject.substitute(filled).split()),
        body=body.substitute(filled),
        blanks=blanks,
    )


def split_text(text: str) -> tuple[str, str]:
    """An edited draft's text back into (subject, body): the ``Subject:`` line, if the text
    starts with one, and the rest after the blank line; no Subject line, no subject."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    first, newline, rest = text.partition("\n")
    if not first.startswith("Subject:"):
        return "", text.strip("\n") + "\n" if text.strip() else ""
    subject = " ".join(first.removeprefix("Subject:").split())
    body = rest.lstrip("\n").rstrip()
    return subject, body + "\n" if body else ""
