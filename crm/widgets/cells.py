"""Helpers for laying out text in terminal cells: CJK characters are two cells wide."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, cast

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.content import Content

from crm.clock import HasClock
from crm.domain.playbook import short_moment
from crm.domain.text import picture_controls
from crm.zone import user_zone

if TYPE_CHECKING:
    from textual.dom import DOMNode


def fit(text: str, width: int) -> str:
    """Pad or cut ``text`` to exactly ``width`` cells, marking a cut with an ellipsis."""
    if width <= 0:
        return ""
    text = picture_controls(text)  # a row is data: nothing in it may drive the terminal
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"


def local_time(moment: datetime) -> datetime:
    """A stored naive-UTC time in the user's zone (crm.zone), for display."""
    return moment.replace(tzinfo=UTC).astimezone(user_zone())


def ago(moment: datetime, now: datetime) -> str:
    """A short human distance between a past moment and now: "today", "3 days ago".

    Both are naive UTC; days are the user's calendar days, so last night is "yesterday".
    """
    days = (local_time(now).date() - local_time(moment).date()).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 60:
        return f"{days} days ago"
    if days < 730:
        return f"{days // 30} months ago"
    return f"{days // 365} years ago"


def app_now(node: DOMNode) -> datetime:
    """Now, by the clock the app was handed (a fixed one under test or ``--now``)."""
    return cast(HasClock, node.app).clock()


def short_local(moment: datetime) -> str:
    """A stored UTC time as a short local date and time: "Fri 20 Nov 14:00"."""
    return short_moment(moment, user_zone())


def shown(text: str) -> Content:
    """Data for a title, label or notice: literal text (never markup), controls visible."""
    return Content(picture_controls(text))


def shown_text(text: Text) -> Text:
    """A Rich Text built from data with its control characters made visible, styles kept."""
    plain = text.plain
    if not plain.isprintable():
        text = text.copy()
        text.plain = picture_controls(plain, keep_lines=True)
    return text
