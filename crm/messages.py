"""Messages that cross screens."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class ContactSaved(Message):
    """A contact was created or changed."""

    contact_id: int
    name: str
    created: bool


@dataclass
class GoToContact(Message):
    """Someone (the command palette, a link) asked to show a contact."""

    contact_id: int
