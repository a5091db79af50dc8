"""The highlighted contact's details, beside the list."""

from __future__ import annotations

from datetime import datetime

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from crm.domain.types import ContactDetail
from crm.widgets.cells import ago, local_time

RAPPORT_STYLES = {"good": "green", "neutral": "yellow", "strained": "bold red"}


def render_contact(contact: ContactDetail, now: datetime) -> RenderableType:
    """A contact as a compact block: who, where, how to reach, and how things stand."""
    title = Text(contact.name, style="bold")
    if contact.is_reference:
        title.append("  reference", style="italic cyan")
    if contact.overdue:
        title.append(f"  {contact.overdue} overdue", style="bold red")
    where = " at ".join(part for part in (contact.role, contact.company) if part)
    fields = Table.grid(padding=(0, 1))
    fields.add_column(style="dim", no_wrap=True)
    fields.add_column(overflow="fold")

    def add(label: str, value: str | Text) -> None:
        if value:
            fields.add_row(label, value)

    add("E-mail", contact.email)
    add("Phone", contact.phone)
    add("LinkedIn", contact.linkedin_url)
    add("Met", contact.how_met)
    add("Topics", ", ".join(contact.topics))
    add("Note", contact.relationship_note)
    if contact.rapport:
        add("Left", Text(contact.rapport, style=RAPPORT_STYLES.get(contact.rapport, "")))
    if contact.last_touch_at is not None:
        when = local_time(contact.last_touch_at).strftime("%Y-%m-%d")
        add("Last touch", f"{when} ({ago(contact.last_touch_at, now)}), {contact.interactions} in all")
    else:
        add("Last touch", Text("never logged", style="dim"))
    if contact.keep_in_touch_days:
        add("Keep in touch", f"every {contact.keep_in_touch_days} days")
    parts: list[RenderableType] = [title]
    if where:
        parts.append(Text(where, style="italic"))
    parts += [Text(""), fields]
    return Group(*parts)


class ContactCard(Static):
    """Shows one contact's details, or a hint when there is none."""

    contact: ContactDetail | None = None
    """The contact on show."""

    def show(self, contact: ContactDetail | None, now: datetime) -> None:
        """Display ``contact`` (None clears the card)."""
        self.contact = contact
        if contact is None:
            self.update(Text("No contact selected.", style="dim"))
        else:
            self.update(render_contact(contact, now))
