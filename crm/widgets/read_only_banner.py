"""A line across the top of the app when the database can only be read."""

from __future__ import annotations

from textual.widgets import Static

from crm.services.tx import read_only_path


class ReadOnlyBanner(Static):
    """Says the database can't be written; takes no room at all when it can."""

    DEFAULT_CSS = """
    ReadOnlyBanner {
        height: 1;
        padding: 0 1;
        background: $warning;
        color: $text;
        text-style: bold;
    }
    """

    def __init__(self) -> None:
        path = read_only_path()
        super().__init__(
            f"Read-only: {path} can't be written — changes won't be saved" if path else "",
            id="read-only-banner",
            markup=False,
        )
        self.display = path is not None
