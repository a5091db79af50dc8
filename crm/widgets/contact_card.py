"""The highlighted contact's details, beside the list."""

from __future__ import annotations

from datetime import datetime

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from crm.domain.types import ContactDetail, OpportunitySummary
from crm.widgets.cells import ago, local_time, short_local

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


def render_opportunity(summary: OpportunitySummary, now: datetime) -> RenderableType:
    """An opportunity as a compact block: stage, referrer, interviews and what is pending."""
    title = Text(summary.title, style="bold")
    if summary.quiet:
        title.append("  quiet", style="italic magenta")
    fields = Table.grid(padding=(0, 1))
    fields.add_column(style="dim", no_wrap=True)
    fields.add_column(overflow="fold")
    fields.add_row("Stage", summary.stage.value)
    if summary.referrer:
        fields.add_row("Referrer", summary.referrer)
    for number, interview in enumerate(summary.interviews, start=1):
        names = ", ".join(name for _, name in interview.interviewers) or "no interviewers"
        state = "done" if interview.done_at else ("upcoming" if interview.starts_at >= now else "to mark done")
        fields.add_row(f"Round {number}", f"{short_local(interview.starts_at)} · {names} · {state}")
    if summary.stage.is_open:
        pending = summary.pending_follow_ups
        if pending:
            fields.add_row("Next", f"{pending} follow-up(s) to do")
        else:
            fields.add_row("Next", Text("nothing scheduled: the ring is dropped", style="bold yellow"))
    return Group(title, Text(""), fields)


class ContactCard(Static):
    """Shows one contact's details, or a hint when there is none."""

    contact: ContactDetail | None = None
    """The contact on show."""
    opportunity: OpportunitySummary | None = None
    """The opportunity on show, when the card shows one instead of a contact."""
    _lines_shown = 0

    def show_opportunity(self, summary: OpportunitySummary, now: datetime) -> None:
        """Display an opportunity."""
        self.contact = None
        self.opportunity = summary
        self._display(render_opportunity(summary, now))

    def show(self, contact: ContactDetail | None, now: datetime) -> None:
        """Display ``contact`` (None clears the card)."""
        self.contact = contact
        self.opportunity = None
        if contact is None:
            self._display(Text("No contact selected.", style="dim"))
        else:
            self._display(render_contact(contact, now))

    def _display(self, block: RenderableType) -> None:
        """Show ``block``, laying out the screen only if the card's scrollbar may come or go.

        A layout repaints every pane (~25 ms a move at 120×36 on 100k contacts); measuring
        the block to know it isn't needed costs ~2 ms.
        """
        width, height = self.content_size
        if width <= 0 or height <= 0:
            self.update(block)
            return
        console = self.app.console
        lines = len(console.render_lines(block, console.options.update_width(width), pad=False))
        fits = lines <= height and self._lines_shown <= height
        self._lines_shown = lines
        self.update(block, layout=not fits)
