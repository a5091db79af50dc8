"""Readable text on any theme: WCAG 2.x contrast, and a nudge for a colour that fails it."""

from __future__ import annotations

from rich.color import Color as RichColor
from rich.style import Style
from textual.color import BLACK, WHITE, Color

AA = 4.5
"""WCAG AA's minimum contrast for body text."""


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(color: Color) -> float:
    """WCAG 2.x relative luminance (0 black … 1 white)."""
    r, g, b = color.rgb
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(a: Color, b: Color) -> float:
    """WCAG 2.x contrast ratio of two opaque colours (1 … 21)."""
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def readable(fg: Color, bg: Color, minimum: float = AA) -> Color:
    """``fg``, moved toward white or black just enough to reach ``minimum`` on ``bg``.

    One of white or black always reaches 4.5:1 on any background, so this always succeeds;
    the smallest move keeps as much of the colour (red for overdue, amber for due) as it can.
    """
    if contrast(fg, bg) >= minimum:
        return fg
    end = WHITE if contrast(WHITE, bg) >= contrast(BLACK, bg) else BLACK
    for step in range(1, 20):
        candidate = fg.blend(end, step / 20)
        if contrast(candidate, bg) >= minimum:
            return candidate
    return end


def _terminal_decides(color: RichColor | None) -> bool:
    """An ANSI colour (the textual-ansi theme): the terminal's palette decides how it looks."""
    return color is not None and (color.is_system_defined or color.is_default)


def _color(color: RichColor | None, default: Color) -> Color:
    if color is None:
        return default
    triplet = color.get_truecolor()
    return Color(triplet.red, triplet.green, triplet.blue)


def readable_style(style: Style, *, background: RichColor | None = None) -> Style:
    """``style`` (over ``background`` if given) with its text colour made readable on it."""
    back = background if background is not None else style.bgcolor
    if _terminal_decides(style.color) or _terminal_decides(back):
        return style if background is None else style + Style(bgcolor=background)
    bg = _color(back, BLACK)
    fg = _color(style.color, WHITE)
    fixed = readable(fg, bg)
    return style + Style(color=fixed.rich_color, bgcolor=bg.rich_color)


def style_contrast(style: Style) -> float:
    """The contrast of a drawn style's text on its background."""
    return contrast(_color(style.color, WHITE), _color(style.bgcolor, BLACK))
