"""Input completion from the contacts in the database."""

from __future__ import annotations

import asyncio

from textual.suggester import Suggester

from crm.domain.text import sort_key
from crm.services import contacts

SEPARATOR = ", "


def split_names(value: str) -> list[str]:
    """The names typed into a comma-separated field, blanks dropped."""
    return [name.strip() for name in value.split(",") if name.strip()]


class ContactSuggester(Suggester):
    """Completes a contact's name as it is typed (the last one, in a comma-separated list)."""

    def __init__(self, *, multiple: bool = False) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.multiple = multiple
        """Whether the field holds several names separated by commas."""

    async def get_suggestion(self, value: str) -> str | None:
        head, _, typed = value.rpartition(",") if self.multiple else ("", "", value)
        typed = typed.lstrip()
        if len(typed.strip()) < 1:
            return None
        name = await asyncio.to_thread(completion_for, typed)
        if name is None:
            return None
        # The whole name in its own spelling: accepting "an" + → gives "Ann Lee", not "ann Lee".
        prefix = head + SEPARATOR if head else ""
        return prefix + name


def completion_for(typed: str) -> str | None:
    """The first contact whose name starts with ``typed`` (ignoring case and accents)."""
    wanted = sort_key(typed)
    for row in contacts.search_contacts(typed, limit=20):
        if sort_key(row.name).startswith(wanted) and len(row.name) >= len(typed):
            return row.name
    return None
