"""A picker of the open opportunities, read from the database when it is mounted."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.message import Message
from textual.widgets import Select
from textual.worker import get_current_worker

from crm.domain.types import OpportunitySummary
from crm.services.opportunities import list_opportunities


def opportunity_option_label(opportunity: OpportunitySummary) -> str:
    """ "Role at Company (stage)", how the picker lists one."""
    return f"{opportunity.title} ({opportunity.stage.value})"


class OpportunitySelect(Select[int]):
    """Open opportunities to choose from; posts Filled once they are in."""

    @dataclass
    class Filled(Message):
        """The choices arrived (an empty dict: there are no open opportunities)."""

        select: OpportunitySelect
        opportunities: dict[int, OpportunitySummary]

        @property
        def control(self) -> OpportunitySelect:
            return self.select

    @dataclass
    class _Loaded(Message):
        opportunities: list[OpportunitySummary]

    def __init__(self, preferred: int | None = None, *, id: str | None = None) -> None:
        super().__init__([], prompt="Loading…", compact=True, id=id)
        self.preferred = preferred
        """The opportunity to select once loaded, if it is open."""
        self.opportunities: dict[int, OpportunitySummary] | None = None
        """The choices by id; None while loading."""

    def on_mount(self) -> None:
        self.load_choices()

    @work(thread=True, exclusive=True, group="opportunity-select", exit_on_error=False)
    def load_choices(self) -> None:
        """Read the open opportunities."""
        opportunities = list_opportunities(include_closed=False)
        if not get_current_worker().is_cancelled:
            self.post_message(self._Loaded(opportunities))

    @on(_Loaded)
    def fill(self, message: _Loaded) -> None:
        message.stop()
        self.opportunities = {o.id: o for o in message.opportunities}
        if not message.opportunities:
            self.prompt = "None open"
        else:
            self.prompt = "Choose an opportunity"
            self.set_options((opportunity_option_label(o), o.id) for o in message.opportunities)
            wanted = self.preferred
            self.value = wanted if wanted in self.opportunities else message.opportunities[0].id
        self.post_message(self.Filled(self, self.opportunities))
