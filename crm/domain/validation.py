"""Checks on what a user typed, returning messages instead of raising deep in the stack."""

from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import urlsplit

from crm.domain.day_words import DRAFT_LANGUAGES
from crm.domain.text import clean_text
from crm.domain.types import ContactDraft, OpportunityDetails, Rapport

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_NAME_LENGTH = 200
MAX_KEEP_IN_TOUCH_DAYS = 36_500
"""A century: beyond it the cadence rules' date arithmetic would overflow."""


class InvalidInput(ValueError):
    """Raised when user input can't be saved; the message is shown to the user as is."""


def normalise_draft(draft: ContactDraft) -> ContactDraft:
    """Trim whitespace everywhere, drop control characters and empty or repeated topics."""
    topics: list[str] = []
    for topic in draft.topics:
        cleaned = one_line(topic)
        if cleaned and cleaned.casefold() not in {t.casefold() for t in topics}:
            topics.append(cleaned)
    return replace(
        draft,
        name=one_line(draft.name),
        company=one_line(draft.company),
        role=one_line(draft.role),
        email=clean_text(draft.email).strip(),
        phone=clean_text(draft.phone).strip(),
        linkedin_url=clean_text(draft.linkedin_url).strip(),
        how_met=clean_text(draft.how_met, allow_newlines=True).strip(),
        topics=tuple(topics),
        relationship_note=clean_text(draft.relationship_note, allow_newlines=True).strip(),
        rapport=clean_text(draft.rapport).strip().casefold(),
        language=clean_text(draft.language).strip().casefold(),
    )


def url_problem(url: str) -> str:
    """What is wrong with a posting's link ("" when it is fine): it must be http(s) or empty."""
    if not url:
        return ""
    problem = f"“{url}” isn't a web address: it should start with https:// or http://."
    if any(character.isspace() for character in url):
        return problem
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # a broken "[…]" host
        return problem
    return "" if parts.scheme.casefold() in ("http", "https") and host else problem


def checked_details(details: OpportunityDetails) -> OpportunityDetails:
    """An opportunity's details as stored (one-line fields trimmed, notes kept on their lines);
    raises InvalidInput when the link isn't a web address."""
    cleaned = replace(
        details,
        url=one_line(details.url),
        location=one_line(details.location),
        salary=one_line(details.salary),
        cv=one_line(details.cv),
        notes=note_text(details.notes),
    )
    problem = url_problem(cleaned.url)
    if problem:
        raise InvalidInput(problem)
    return cleaned


def one_line(text: str) -> str:
    """A one-line field as stored: control characters dropped, runs of whitespace one space."""
    return " ".join(clean_text(text).split())


def note_text(text: str) -> str:
    """A field that may hold several lines (a summary, a note) as stored: controls dropped."""
    return clean_text(text, allow_newlines=True).strip()


def contact_problems(draft: ContactDraft) -> list[str]:
    """Everything wrong with a (normalised) draft, as messages for the user; empty if fine."""
    problems: list[str] = []
    if not draft.name:
        problems.append("A contact needs a name.")
    elif len(draft.name) > MAX_NAME_LENGTH:
        problems.append(f"A name can be at most {MAX_NAME_LENGTH} characters.")
    if draft.email and not _EMAIL.match(draft.email):
        problems.append(f"“{draft.email}” doesn't look like an e-mail address.")
    if draft.linkedin_url and "linkedin.com/" not in draft.linkedin_url.casefold():
        problems.append("The LinkedIn URL should be a linkedin.com address.")
    if draft.rapport and draft.rapport not in {r.value for r in Rapport}:
        problems.append("How you left things is good, neutral or strained.")
    if draft.language and draft.language not in DRAFT_LANGUAGES:
        problems.append(
            f"“{draft.language}” isn't a draft language: use {' or '.join(DRAFT_LANGUAGES)},"
            " or leave it empty for the default."
        )
    days = draft.keep_in_touch_days
    if days is not None and days <= 0:
        problems.append("The keep-in-touch interval must be a positive number of days.")
    elif days is not None and days > MAX_KEEP_IN_TOUCH_DAYS:
        problems.append(
            f"The keep-in-touch interval can be at most {MAX_KEEP_IN_TOUCH_DAYS:,} days."
        )
    return problems


def checked_draft(draft: ContactDraft) -> ContactDraft:
    """Normalise a draft and raise InvalidInput with every problem if it can't be saved."""
    cleaned = normalise_draft(draft)
    problems = contact_problems(cleaned)
    if problems:
        raise InvalidInput(" ".join(problems))
    return cleaned
