"""The main screen's keys, and every key of the app grouped for the help screen."""

from __future__ import annotations

from collections.abc import Iterable

from textual.binding import Binding, BindingType

from crm.widgets.contact_list import ContactList
from crm.widgets.follow_up_list import FollowUpList
from crm.widgets.interviews_pane import InterviewsPane
from crm.widgets.row_list import RowList
from crm.widgets.search_box import SearchBox
from crm.widgets.timeline_pane import TimelinePane

MAIN_BINDINGS: list[BindingType] = [
    Binding("f1", "show_tab('today')", "Today", tooltip="What you owe today", id="tab-today"),
    Binding("f2", "show_tab('contacts')", "Contacts", tooltip="All contacts", id="tab-contacts"),
    Binding(
        "f3",
        "show_tab('interviews')",
        "Interviews",
        tooltip="Opportunities and interviews",
        id="tab-interviews",
    ),
    Binding(
        "f4",
        "focus_timeline",
        "Timeline",
        show=False,
        tooltip="Focus the timeline",
        id="focus-timeline",
    ),
    Binding(
        "slash",
        "focus_search",
        "Search",
        show=False,
        tooltip="Filter contacts by name or company",
        id="main-search",
    ),
    Binding("ctrl+f", "focus_search", "Search", show=False, id="main-search-ctrl"),
    Binding("ctrl+n", "new_contact", "New contact", show=False, id="main-new-contact"),
    Binding(
        "f5",
        "toggle_side",
        "Card",
        show=False,
        tooltip="Show or hide the card and timeline beside the list",
        id="toggle-side",
    ),
    Binding(
        "b",
        "backchannel",
        "Back channel",
        show=False,
        tooltip="Who could speak about you at this company or interview",
        id="backchannel",
    ),
    Binding(
        "R",
        "references",
        "References",
        show=False,
        tooltip="Your reference list",
        id="references",
    ),
    Binding(
        "ctrl+z",
        "undo_delete",
        "Undo delete",
        show=False,
        tooltip="Bring back the contact or conversation deleted last",
        id="undo-delete",
    ),
]


def _keys(bindings: Iterable[BindingType]) -> list[Binding]:
    return [b for b in bindings if isinstance(b, Binding) and b.id]


def help_sections(everywhere: Iterable[BindingType]) -> list[tuple[str, list[Binding]]]:
    """Every key, grouped for the help screen; ``everywhere`` are the screen's and the app's."""
    from crm.screens.backchannel_screen import BackchannelList
    from crm.screens.contact_form import ContactForm
    from crm.screens.contact_screen import ContactScreen
    from crm.screens.references_screen import ReferenceList

    return [
        (
            "Today and timeline",
            _keys(RowList.BINDINGS) + _keys(FollowUpList.BINDINGS) + _keys(TimelinePane.BINDINGS),
        ),
        ("Contacts list", _keys(ContactList.BINDINGS)),
        ("Filter box", _keys(SearchBox.BINDINGS)),
        ("Interviews", _keys(InterviewsPane.BINDINGS)),
        ("Contact form", _keys(ContactForm.BINDINGS)),
        ("Contact screen", _keys(ContactScreen.BINDINGS)),
        ("Back channel (b)", _keys(BackchannelList.BINDINGS)),
        ("References (R)", _keys(ReferenceList.BINDINGS)),
        ("Everywhere", _keys(everywhere)),
    ]
