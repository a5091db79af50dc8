"""Likely duplicate contacts; `m` merges a group into the highlighted contact."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import get_current_worker

from crm.domain.validation import InvalidInput
from crm.services import merging
from crm.widgets.cells import app_now
from crm.widgets.key_bar import KeyBar
from crm.widgets.row_list import Column, Row, RowList
from crm.widgets.title_bar import TitleBar


@dataclass(frozen=True)
class MemberKey:
    """A contact in a duplicate group."""

    contact_id: int
    name: str
    group: tuple[int, ...]


def duplicate_rows(groups: list[merging.Duplicates]) -> list[Row]:
    """A header per group (why they look alike), then its contacts."""
    rows: list[Row] = []
    for group in groups:
        ids = tuple(c.id for c in group.contacts)
        rows.append(Row((f"{len(ids)} contacts with {group.reason}",), tone="header"))
        for contact in group.contacts:
            rows.append(
                Row(
                    (f"#{contact.id}", contact.name, contact.company, contact.email),
                    key=MemberKey(contact.id, contact.name, ids),
                )
            )
    return rows


class DuplicateList(RowList):
    """Groups of likely duplicates."""

    COLUMNS = (Column(6, 0), Column(16, 3), Column(10, 2), Column(10, 3))
    BINDINGS = [
        Binding(
            "m",
            "merge",
            "Merge into this one",
            tooltip="Keep the highlighted contact and fold the rest of its group into it",
            id="duplicates-merge",
        ),
    ]

    @dataclass
    class MergeRequested(Message):
        """Keep one contact and merge the rest of its group into it."""

        member: MemberKey

    def action_merge(self) -> None:
        if isinstance(self.highlighted_key, MemberKey):
            self.post_message(self.MergeRequested(self.highlighted_key))


class DuplicatesScreen(Screen[None]):
    """Find and merge duplicates; nothing is merged without a yes."""

    BINDINGS = [Binding("escape,q", "close", "Back", id="duplicates-close")]

    @dataclass
    class Loaded(Message):
        """The duplicate groups arrived."""

        groups: list[merging.Duplicates]

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(
            "Likely duplicates. Highlight the one to keep and press m: conversations, "
            "follow-ups, interviews, connections and references move to it; fields are combined.",
            classes="dialog-hint",
        )
        yield DuplicateList(id="duplicates-list")
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = "Duplicates"
        listing = self.query_one(DuplicateList)
        listing.empty_text = "No likely duplicates."
        listing.focus()
        self.load()

    @work(thread=True, exclusive=True, group="duplicates", exit_on_error=False)
    def load(self) -> None:
        """Find the duplicate groups."""
        groups = merging.find_duplicate_contacts(now=app_now(self))
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(groups))

    @on(Loaded)
    def show(self, message: Loaded) -> None:
        self.query_one(DuplicateList).set_rows(duplicate_rows(message.groups))

    @dataclass
    class Previewed(Message):
        """What a merge would do, to show before it is done."""

        keep_id: int
        name: str
        others: list[int]
        preview: str

    @on(DuplicateList.MergeRequested)
    def preview_merge(self, message: DuplicateList.MergeRequested) -> None:
        others = [cid for cid in message.member.group if cid != message.member.contact_id]
        self.load_preview(message.member.contact_id, message.member.name, others)

    @work(thread=True, group="duplicates-preview", exit_on_error=False)
    def load_preview(self, keep_id: int, name: str, others: list[int]) -> None:
        """Work out what merging would do, then ask."""
        try:
            text = "\n\n".join(merging.merge_preview(keep_id, other).text() for other in others)
        except InvalidInput as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.post_message(self.Previewed(keep_id, name, others, text))

    @on(Previewed)
    def confirm_merge(self, message: Previewed) -> None:
        from crm.screens.confirm import ConfirmDialog

        dialog = ConfirmDialog(
            f"Merge {len(message.others)} contact(s) into {message.name}?",
            f"{message.preview}\n\nThis can't be undone.",
            yes="Merge",
        )
        self.app.push_screen(
            dialog, partial(self._merge_if_confirmed, message.keep_id, message.others)
        )

    def _merge_if_confirmed(self, keep_id: int, others: list[int], confirmed: bool | None) -> None:
        if confirmed:
            self.merge(keep_id, others)

    @work(thread=True, group="duplicates-merge", exit_on_error=False)
    def merge(self, keep_id: int, others: list[int]) -> None:
        """Merge the others into the kept contact."""
        try:
            for other in others:
                merging.merge_contacts(keep_id, other, now=app_now(self))
        except InvalidInput as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self.app.notify, f"Merged {len(others)} contact(s).")
        self.load()

    def action_close(self) -> None:
        self.dismiss(None)
