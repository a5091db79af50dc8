"""Checks on what a user typed, returning messages instead of raising deep in the stack."""

from __future__ import annotations

import re
from dataclasses import replace

from crm.domain.types import ContactDraft, Rapport

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_NAME_LENGTH = 200
MAX_KEEP_IN_TOUCH_DAYS = 36_500
"""A century: beyond it the cadence rules' date arithmetic would overflow."""


class InvalidInput(ValueError):
    """Raised when user input can't be saved; the message is shown to the user as is."""


def normalise_draft(draft: ContactDraft) -> ContactDraft:
    """Trim whitespace everywhere and drop empty or repeated topics."""
    topics: list[str] = []
    for topic in draft.topics:
        cleaned = " ".join(topic.split())
        if cleaned and cleaned.casefold() not in {t.casefold() for t in topics}:
            topics.append(cleaned)
    return replace(
        draft,
        name=" ".join(draft.name.split()),
        company=" ".join(draft.company.split()),
        role=" ".join(draft.role.split()),
        email=draft.email.strip(),
        phone=draft.phone.strip(),
        linkedin_url=draft.linkedin_url.strip(),
        how_met=draft.how_met.strip(),
        topics=tuple(topics),
        relationship_note=draft.relationship_note.strip(),
        rapport=draft.rapport.strip().casefold(),
    )


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
