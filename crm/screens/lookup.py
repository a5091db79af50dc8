"""Turning a typed name into a contact for the forms, with a message when it can't."""

from __future__ import annotations

from crm.services.conversations import AmbiguousContact, UnknownContact, resolve_contact

MAX_CANDIDATES_SHOWN = 5


def lookup_problem(field: str, error: UnknownContact | AmbiguousContact) -> str:
    """Why a typed name didn't give one contact, naming the field and any candidates."""
    if isinstance(error, UnknownContact):
        return f"{field}: {error}"
    shown = [
        f"{name} ({company}, #{contact_id})" if company else f"{name} (#{contact_id})"
        for contact_id, name, company in error.candidates[:MAX_CANDIDATES_SHOWN]
    ]
    more = len(error.candidates) - len(shown)
    listing = "; ".join(shown) + (f"; and {more} more" if more > 0 else "")
    return f"{field}: {error} Which one? {listing}. Type more of the name, or #id."


def resolve_optional_contact(field: str, text: str) -> int | str | None:
    """The id of the contact named in an optional field, None if blank, or the problem as text.

    Runs SQL: call it from a thread worker only.
    """
    name = text.strip().removeprefix("#")
    if not name:
        return None
    try:
        return resolve_contact(name)
    except (UnknownContact, AmbiguousContact) as error:
        return lookup_problem(field, error)


def resolve_contacts(field: str, names: list[str]) -> tuple[int, ...] | str:
    """The ids of the named contacts in order (repeats dropped), or every problem as text.

    Runs SQL: call it from a thread worker only.
    """
    ids: list[int] = []
    problems: list[str] = []
    for name in names:
        try:
            ids.append(resolve_contact(name.removeprefix("#")))
        except (UnknownContact, AmbiguousContact) as error:
            problems.append(lookup_problem(field, error))
    if problems:
        return "\n".join(problems)
    return tuple(dict.fromkeys(ids))
