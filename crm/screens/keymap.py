"""Every key binding by id: where it applies, the user's ``[keys]`` over it, and how it reads."""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass

from textual.binding import Binding
from textual.keys import Keys, key_to_character

from crm.config import Settings

MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
_NAMED_KEYS = frozenset(key.value for key in Keys if "+" not in key.value and "<" not in key.value)


@dataclass(frozen=True)
class BoundKey:
    """One binding id, as `crm keys` and the help list it."""

    id: str
    key: str
    """The keys that trigger it now (Textual's names, comma separated), after ``[keys]``."""
    default: str
    """Its keys without ``[keys]``."""
    description: str
    places: tuple[str, ...]
    """Where it works: the screens and widgets that declare it."""


@dataclass(frozen=True)
class UiChoices:
    """``[keys]`` and ``[ui] theme`` checked: what the app can use, and what it can't, said once."""

    keymap: dict[str, str]
    theme: str
    problems: tuple[str, ...]


def normalize_keys(keys: str) -> str:
    """A key string in Textual's long names ("?" → "question_mark"), as bindings spell them."""
    from textual.app import App

    return App._normalize_keymap({"": keys})[""]


def key_problem(keys: str) -> str | None:
    """Why Textual can't read ``keys`` as a comma-separated list of keys, or None."""
    for key in normalize_keys(keys).split(","):
        *modifiers, name = key.split("+")
        unknown = [modifier for modifier in modifiers if modifier not in MODIFIERS]
        if unknown:
            return f"{unknown[0]!r} is not a modifier (ctrl, shift, alt, meta)"
        if not name:
            return f"{key!r} names no key"
        if len(name) != 1 and name not in _NAMED_KEYS and key_to_character(name) is None:
            return f"{name!r} is not a key Textual knows"
    return None


def check_ui_settings(
    settings: Settings, known_ids: Callable[[], Collection[str]], themes: Collection[str]
) -> UiChoices:
    """Keep the ``[keys]`` entries and theme the app can use; one problem line for each other.

    ``known_ids`` is only called when ``[keys]`` has entries, since finding every id imports
    every screen.
    """
    problems: list[str] = []
    keymap: dict[str, str] = {}
    ids = known_ids() if settings.keys else ()
    for binding_id, keys in settings.keys.items():
        if binding_id not in ids:
            problems.append(f"[keys] {binding_id[:40]!r} is not a binding id (see: crm keys)")
        elif (problem := key_problem(keys)) is not None:
            problems.append(f"[keys] {binding_id}: {problem}")
        else:
            keymap[binding_id] = normalize_keys(keys)
    theme = settings.theme
    if theme and theme not in themes:
        problems.append(f"[ui] theme {theme[:40]!r} is not a theme; using the default")
        theme = ""
    return UiChoices(keymap, theme, tuple(problems))


def binding_owners() -> list[type]:
    """Every screen and widget class of crm that declares its own BINDINGS."""
    import crm.screens
    import crm.widgets

    owners: list[type] = []
    for package in (crm.screens, crm.widgets):
        for module_info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{module_info.name}")
            for value in vars(module).values():
                if (
                    isinstance(value, type)
                    and value.__module__ == module.__name__
                    and "BINDINGS" in vars(value)
                ):
                    owners.append(value)
    return owners


def place_name(owner: type) -> str:
    """A class as a user calls the place ("ContactList" → "Contact list")."""
    from textual.app import App

    if issubclass(owner, App):
        return "Everywhere"
    words = re.findall(r"[A-Z][a-z]*|[a-z]+", owner.__name__)
    return " ".join([words[0], *(word.lower() for word in words[1:])]) if words else ""


def bound_keys(owners: Iterable[type], keymap: Mapping[str, str]) -> list[BoundKey]:
    """Each binding id once, with its keys after ``keymap``, in the order first declared."""
    found: dict[str, BoundKey] = {}
    for owner in owners:
        for binding in vars(owner)["BINDINGS"]:
            if not isinstance(binding, Binding) or not binding.id:
                continue
            place = place_name(owner)
            seen = found.get(binding.id)
            if seen is None:
                found[binding.id] = BoundKey(
                    binding.id,
                    keymap.get(binding.id, binding.key),
                    binding.key,
                    binding.tooltip or binding.description,
                    (place,),
                )
            elif place not in seen.places:
                # One id in several places (every form's Save): its short name fits them all.
                described = binding.tooltip or binding.description
                found[binding.id] = BoundKey(
                    seen.id,
                    seen.key,
                    seen.default,
                    seen.description if described == seen.description else binding.description,
                    (*seen.places, place),
                )
    return list(found.values())


def key_glyphs(keys: str, display: Callable[[Binding], str]) -> str:
    """Each of ``keys`` as the key bar shows it (">" for greater_than_sign), " / " between."""
    return " / ".join(display(Binding(key.strip(), "")) for key in keys.split(",") if key.strip())
