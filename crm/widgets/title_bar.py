"""The top line of every screen: the app's name and the database it works on."""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget


class TitleBar(Widget):
    """The title and sub-title, centred on one line, as Textual's Header shows them.

    Header is four widgets with stylesheets of their own, restyled with the screen at
    start-up; this is one, drawing the title when it paints, so start-up styles and parses
    less. Header's icon,
    a second way to the command palette, is left out: the key bar shows ^p.
    """

    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        width: 100%;
        height: 1;
        background: $panel;
        color: $foreground;
        content-align: center middle;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def on_mount(self) -> None:
        for owner in (self.app, self.screen):
            for name in ("title", "sub_title"):
                self.watch(owner, name, self._title_changed, init=False)

    def _title_changed(self) -> None:
        self.refresh()

    def render(self) -> Content:
        screen, app = self.screen, self.app
        title = screen.title if screen.title is not None else app.title
        sub_title = screen.sub_title if screen.sub_title is not None else app.sub_title
        return app.format_title(title, sub_title)
