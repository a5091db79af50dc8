"""Messages that cross screens."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from crm.domain.log_defaults import LogDefaults


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


@dataclass
class LogRequested(Message):
    """The user pressed `l`: log a conversation with this contact (about this opportunity)."""

    contact_id: int | None
    opportunity_id: int | None = None
    defaults: LogDefaults | None = None
    """The kind and channel the row asks for (a thank-you row: Thank-you by e-mail)."""


@dataclass
class FollowUpDoneRequested(Message):
    """The user marked a follow-up done."""

    follow_up_id: int


@dataclass
class SnoozeRequested(Message):
    """The user wants to snooze a follow-up."""

    follow_up_id: int
    title: str


@dataclass
class DraftRequested(Message):
    """The user wants the message a follow-up asks for, drafted."""

    follow_up_id: int


@dataclass
class DataChanged(Message):
    """Something was written; panes showing derived data should reload."""


@dataclass
class DeleteRequested(Message):
    """The user asked to delete a contact (the screen asks for confirmation)."""

    contact_id: int
    name: str


@dataclass
class WriteWaiting(Message):
    """A save had to wait for another crm (an import, cron's `crm log`) to finish writing."""
