"""The highlighted contact's details, beside the list."""

from __future__ import annotations

from datetime import datetime

from rich.cells import cell_len, set_cell_size
from rich.console import Console
from rich.text import Text
from textual.widgets import Static

from crm.domain.types import ContactDetail, HelperRole, OpportunityDetails, OpportunitySummary
from crm.widgets.cells import ago, local_time, short_local, shown_text

RAPPORT_STYLES = {"good": "green", "neutral": "yellow", "strained": "bold red"}


Field = tuple[str, str | Text]


def _wrap(text: Text, width: int, console: Console) -> list[Text]:
    """``text`` as lines of at most ``width`` cells: words wrap, a longer word folds."""
    lines = list(text.wrap(console, max(width, 1), overflow="fold"))
    for line in lines:
        line.rstrip()  # in place: a wrapped line keeps the space it broke at
    return lines


def _block(heading: list[Text], fields: list[Field], width: int, console: Console) -> list[Text]:
    """Heading lines, a blank line, then "label  value" rows with values wrapped beside labels.

    Laid out here rather than by a Rich Table: a table renders far slower, and knowing the
    line count lets the card skip a screen layout when its height doesn't change.
    """
    lines: list[Text] = []
    for text in heading:
        lines += _wrap(text, width, console)
    lines.append(Text(""))
    label_width = max((cell_len(label) for label, value in fields if value), default=0)
    # The gap and the indent belong to the (dim) label column, as in a table: a value's text
    # then starts its own span, which SVG screenshots need to keep it in place.
    indent = Text(" " * (label_width + 1), style="dim")
    for label, value in fields:
        if not value:
            continue
        value_text = value if isinstance(value, Text) else Text(value)
        wrapped = _wrap(value_text, width - label_width - 1, console)
        first = Text(set_cell_size(label, label_width) + " ", style="dim")
        lines.append(Text.assemble(first, wrapped[0]))
        lines += [Text.assemble(indent, line) for line in wrapped[1:]]
    return lines


def render_contact(
    contact: ContactDetail, now: datetime, width: int, console: Console
) -> list[Text]:
    """A contact as a compact block: who, where, how to reach, and how things stand."""
    title = Text(contact.name, style="bold")
    if contact.is_reference:
        title.append("  reference", style="italic cyan")
    if contact.overdue:
        title.append(f"  {contact.overdue} overdue", style="bold red")
    heading = [title]
    where = " at ".join(part for part in (contact.role, contact.company) if part)
    if where:
        heading.append(Text(where, style="italic"))
    fields: list[Field] = [
        ("E-mail", contact.email),
        ("Phone", contact.phone),
        ("LinkedIn", contact.linkedin_url),
        ("Met", contact.how_met),
        ("Topics", ", ".join(contact.topics)),
        ("Note", contact.relationship_note),
    ]
    if contact.rapport:
        fields.append(
            ("Left", Text(contact.rapport, style=RAPPORT_STYLES.get(contact.rapport, "")))
        )
    if contact.last_touch_at is not None:
        when = local_time(contact.last_touch_at).strftime("%Y-%m-%d")
        fields.append(
            (
                "Last touch",
                f"{when} ({ago(contact.last_touch_at, now)}), "
                + (
                    f"{contact.interactions} logged in all"
                    if contact.interactions
                    else "an interview, nothing logged yet"
                ),
            )
        )
    else:
        fields.append(("Last touch", Text("never logged", style="dim")))
    if contact.keep_in_touch_days:
        fields.append(("Keep in touch", f"every {contact.keep_in_touch_days} days"))
    return _block(heading, fields, width, console)


def render_opportunity(
    summary: OpportunitySummary, now: datetime, width: int, console: Console
) -> list[Text]:
    """An opportunity as a compact block: stage, referrer, interviews and what is pending."""
    title = Text(summary.title, style="bold")
    if summary.quiet:
        title.append("  quiet", style="italic magenta")
    details = summary.details or OpportunityDetails()
    fields: list[Field] = [
        ("Stage", summary.stage.value),
        ("Applied", short_local(details.applied_at) if details.applied_at else ""),
        ("Link", details.url),
        ("Location", details.location),
        ("Salary", details.salary),
        ("CV sent", details.cv),
        ("Referrer", summary.helper_names(HelperRole.REFERRER)),
        ("Pulled strings", summary.helper_names(HelperRole.PULLED_STRINGS)),
    ]
    for number, interview in enumerate(summary.interviews, start=1):
        names = ", ".join(name for _, name in interview.interviewers) or "no interviewers"
        state = (
            "done"
            if interview.done_at
            else ("upcoming" if interview.starts_at >= now else "to mark done")
        )
        state = "cancelled" if interview.cancelled_at and not interview.done_at else state
        fields.append(
            (f"Round {number}", f"{short_local(interview.starts_at)} · {names} · {state}")
        )
    if summary.stage.is_open:
        pending = summary.pending_follow_ups
        if pending:
            fields.append(("Next", f"{pending} follow-up(s) to do"))
        else:
            fields.append(
                ("Next", Text("nothing scheduled: the ring is dropped", style="bold yellow"))
            )
    fields.append(("Notes", details.notes))
    return _block([title], fields, width, console)


class ContactCard(Static):
    """Shows one contact's details, or a hint when there is none."""

    contact: ContactDetail | None = None
    """The contact on show."""
    opportunity: OpportunitySummary | None = None
    """The opportunity on show, when the card shows one instead of a contact."""
    why: str = ""
    """The playbook's why of the follow-up being acted on, shown under the details."""
    _lines_shown = 0
    _now = datetime.min

    def show_opportunity(self, summary: OpportunitySummary, now: datetime, why: str = "") -> None:
        """Display an opportunity (and the why of the row that led to it)."""
        self.contact = None
        self.opportunity = summary
        self.why = why
        self._now = now
        self._redraw()

    def show(self, contact: ContactDetail | None, now: datetime, why: str = "") -> None:
        """Display ``contact`` (None clears the card), and the why of the row that led to it."""
        self.contact = contact
        self.opportunity = None
        self.why = why if contact is not None else ""
        self._now = now
        self._redraw()

    def show_why(self, why: str) -> None:
        """Show the why of another row's follow-up under the same details."""
        if why != self.why:
            self.why = why
            self._redraw()

    def on_resize(self) -> None:
        # The block is wrapped to the card's width: wrap it again.
        self._redraw()

    def _redraw(self) -> None:
        """Lay out what the card shows for its width; lay out the screen only if the card's
        scrollbar may come or go (a layout repaints every pane)."""
        width, height = self.content_size
        laid_out = width > 0 and height > 0
        width = width if laid_out else 80  # until the first resize, which redraws
        console = self.app.console
        lines: list[Text]
        if self.opportunity is not None:
            lines = render_opportunity(self.opportunity, self._now, width, console)
        elif self.contact is not None:
            lines = render_contact(self.contact, self._now, width, console)
        else:
            lines = [Text("No contact selected.", style="dim")]
        if self.why:
            lines += [Text(""), *_wrap(Text(self.why, style="italic cyan"), width, console)]
        if not laid_out:
            self.update(shown_text(Text("\n").join(lines)))
            return
        fits = len(lines) <= height and self._lines_shown <= height
        self._lines_shown = len(lines)
        self.update(shown_text(Text("\n").join(lines)), layout=not fits)
