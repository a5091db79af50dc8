"""User settings from config.toml (`crm locate config`); defaults when the file is missing."""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from crm.domain.day_words import DRAFT_LANGUAGES

DEFAULT_BACKUPS_KEPT = 7
DEFAULT_AFTER_PROCESS_DAYS = 90
"""The keep-in-touch interval a closed process hands its people, when they have none."""
MAX_INTERVAL_DAYS = 36_500


class ConfigError(ValueError):
    """The config file can't be used; the message says where and why."""


@dataclass(frozen=True)
class SyncSettings:
    """``[sync]``: the CalDAV/CardDAV server crm mirrors follow-ups, interviews and contacts to."""

    url: str = ""
    """The server or principal URL; the collections are found by discovery. "" turns sync off."""
    carddav_url: str = ""
    """Where the address book is, for providers with a separate contacts server (iCloud,
    Fastmail); "" means ``url``."""
    username: str = ""
    password_command: tuple[str, ...] = ()
    """A command whose first line of output is the password (``pass show dav``), run without a
    shell."""
    password_env: str = ""
    """The environment variable holding the password, when there is no command."""
    tasks: str = "crm follow-ups"
    events: str = "crm interviews"
    addressbook: str = "crm"
    tasks_as_events: bool = False
    """For servers without tasks (Google): follow-ups become timed events."""
    ca_file: str = ""
    """A PEM file of the private CA the server's certificate is checked against."""
    every: int = 0
    """Minutes between automatic syncs while the app is open (and one at start); 0: by hand."""

    @property
    def configured(self) -> bool:
        return bool(self.url)


DEFAULT_IMAP_FOLDERS = ("INBOX", "Sent")


@dataclass(frozen=True)
class ImapSettings:
    """``[imap]``: the mailbox crm reads conversations from, read-only (EXAMINE) and
    incrementally."""

    host: str = ""
    """The server's name ("imap.gmail.com"); "" turns IMAP off."""
    port: int = 993
    username: str = ""
    password_command: tuple[str, ...] = ()
    """A command whose first line of output is the password (an app password), run without a
    shell."""
    password_env: str = ""
    """The environment variable holding the password, when there is no command."""
    folders: tuple[str, ...] = DEFAULT_IMAP_FOLDERS
    tls: bool = True
    """IMAP over TLS (port 993); false only for a server on this machine."""
    ca_file: str = ""
    """A PEM file of the certificate authority to trust instead of the system's (a
    self-hosted server's own CA); "" trusts the system's."""

    @property
    def configured(self) -> bool:
        return bool(self.host)


@dataclass(frozen=True)
class DraftSettings:
    """``[drafts]``: how crm writes the messages of follow-ups."""

    language: str = "en"
    """The language of drafts for contacts without one of their own ("en" or "ru")."""
    signature: str = ""
    """The sign-off (your name); "" leaves a marked blank for it in every draft."""


@dataclass(frozen=True)
class MailSettings:
    """``[mail]``: whose mail it is, and what of it crm keeps."""

    me: tuple[str, ...] = ()
    """The user's own addresses, lower-cased: a message from one of them was sent, not received."""
    ignore_domains: tuple[str, ...] = ()
    """Domains whose mail is never read into crm (lower-cased, no leading "@")."""
    store_bodies: bool = False
    """Keep a matched message's whole text, not only its subject and a short snippet."""


@dataclass(frozen=True)
class Settings:
    """What the user can configure."""

    backups_keep: int = DEFAULT_BACKUPS_KEPT
    """How many daily backups to keep (0 turns daily backups off)."""
    after_process_days: int = DEFAULT_AFTER_PROCESS_DAYS
    """Keep-in-touch interval given to a closed process's interviewers and helpers."""

    time_zone: str = ""
    """The zone times are typed and shown in ("Europe/Berlin"); empty: TZ, else the system's."""

    keys: dict[str, str] = field(default_factory=dict)
    """``[keys]``: binding id → the keys that replace its own ("ctrl+q,f10"), as written."""

    theme: str = ""
    """``[ui] theme``: the Textual theme the app opens with; empty: Textual's default."""

    sync: SyncSettings = field(default_factory=SyncSettings)

    imap: ImapSettings = field(default_factory=ImapSettings)

    drafts: DraftSettings = field(default_factory=DraftSettings)

    mail: MailSettings = field(default_factory=MailSettings)

    linkedin_profile: str = ""
    """``[linkedin] profile``: the user's profile URL, for a messages.csv that can't tell it."""


def load_settings(path: Path) -> Settings:
    """Read settings from ``path``; a missing file gives the defaults, a bad one ConfigError.

    Example::

        [backups]
        keep = 14

        [time]
        zone = "Europe/Berlin"

        [keep_in_touch]
        after_process_days = 90

        [keys]
        app-quit = "ctrl+q,f10"

        [ui]
        theme = "nord"

        [sync]
        url = "https://dav.example.org/"
        username = "me"
        password_command = "pass show dav"

        [imap]
        host = "imap.example.org"
        username = "me@example.org"
        password_command = "pass show mail"
        folders = ["INBOX", "Sent"]

        [drafts]
        language = "ru"
        signature = "Anna Petrova"

        [mail]
        me = ["anna@example.org", "anna.petrova@gmail.com"]
        ignore_domains = ["bank.example"]
        store_bodies = false

        [linkedin]
        profile = "https://www.linkedin.com/in/anna-petrova"
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings()
    except OSError as error:
        raise ConfigError(f"{path}: {error.strerror}") from error
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: {error}") from error
    keep = data.get("backups", {}).get("keep", DEFAULT_BACKUPS_KEPT)
    if not isinstance(keep, int) or isinstance(keep, bool) or keep < 0:
        raise ConfigError(f"{path}: [backups] keep must be a whole number, 0 or more.")
    section = data.get("keep_in_touch", {})
    after = (
        section.get("after_process_days", DEFAULT_AFTER_PROCESS_DAYS)
        if isinstance(section, dict)
        else None
    )
    if not isinstance(after, int) or isinstance(after, bool) or not 1 <= after <= MAX_INTERVAL_DAYS:
        raise ConfigError(
            f"{path}: [keep_in_touch] after_process_days must be a whole number of days, "
            f"1 to {MAX_INTERVAL_DAYS:,}."
        )
    return Settings(
        backups_keep=keep,
        after_process_days=after,
        time_zone=_time_zone(data, path),
        keys=_keys(data, path),
        theme=_theme(data, path),
        sync=_sync(data, path),
        imap=_imap(data, path),
        drafts=_drafts(data, path),
        mail=_mail(data, path),
        linkedin_profile=_linkedin(data, path),
    )


def _linkedin(data: dict[str, object], path: Path) -> str:
    """``[linkedin] profile``: a linkedin.com address (normalised where it is used)."""
    section = data.get("linkedin", {})
    if not isinstance(section, dict) or sorted(set(section) - {"profile"}):
        raise ConfigError(f"{path}: [linkedin] takes one setting, profile (your profile URL).")
    profile = section.get("profile", "")
    if not isinstance(profile, str) or (
        profile.strip() and "linkedin.com/" not in profile.casefold()
    ):
        raise ConfigError(
            f'{path}: [linkedin] profile must be your profile URL, "https://linkedin.com/in/…".'
        )
    return profile.strip()


_ADDRESS = re.compile(r"^[^@\s<>]+@[^@\s<>]+$")
_DOMAIN = re.compile(r"^[^@\s<>/]+\.[^@\s<>/]+$")


def _mail(data: dict[str, object], path: Path) -> MailSettings:
    """``[mail]``: your addresses and ignored domains, each checked to look like one."""
    section = data.get("mail", {})
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: [mail] must be a table (me, ignore_domains, store_bodies).")
    lists: dict[str, tuple[str, ...]] = {}
    for name, pattern, what in (
        ("me", _ADDRESS, 'e-mail addresses, such as ["me@example.org"]'),
        ("ignore_domains", _DOMAIN, 'domains, such as ["bank.example"]'),
    ):
        value = section.get(name, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ConfigError(f"{path}: [mail] {name} must be a list of {what}.")
        items = tuple(item.strip().removeprefix("@").casefold() for item in value)
        bad = [item for item in items if not pattern.match(item)]
        if bad:
            raise ConfigError(f"{path}: [mail] {name}: {bad[0][:60]!r} isn't one of {what}.")
        lists[name] = tuple(dict.fromkeys(items))
    store = section.get("store_bodies", False)
    if not isinstance(store, bool):
        raise ConfigError(f"{path}: [mail] store_bodies must be true or false.")
    unknown = sorted(set(section) - {"me", "ignore_domains", "store_bodies"})
    if unknown:
        raise ConfigError(f"{path}: [mail] has no setting {unknown[0][:40]!r}.")
    return MailSettings(me=lists["me"], ignore_domains=lists["ignore_domains"], store_bodies=store)


def _drafts(data: dict[str, object], path: Path) -> DraftSettings:
    """``[drafts]``: the default language (one crm writes) and the signature (any text)."""
    section = data.get("drafts", {})
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: [drafts] must be a table (language, signature).")
    language = section.get("language", DraftSettings.language)
    if not isinstance(language, str) or language.strip().casefold() not in DRAFT_LANGUAGES:
        shown = language[:40] if isinstance(language, str) else language
        raise ConfigError(f'{path}: [drafts] language must be "en" or "ru", not {shown!r}.')
    signature = section.get("signature", "")
    if not isinstance(signature, str) or "\0" in signature:
        raise ConfigError(f"{path}: [drafts] signature must be text in quotes.")
    unknown = sorted(set(section) - {"language", "signature"})
    if unknown:
        raise ConfigError(f"{path}: [drafts] has no setting {unknown[0][:40]!r}.")
    return DraftSettings(language=language.strip().casefold(), signature=signature.strip())


def _keys(data: dict[str, object], path: Path) -> dict[str, str]:
    """``[keys]`` as binding id → key string; whether the ids and keys exist is the app's to say."""
    section = data.get("keys", {})
    if not isinstance(section, dict):
        raise ConfigError(
            f"{path}: [keys] must be a table of binding ids and keys (see: crm keys)."
        )
    keys: dict[str, str] = {}
    for binding_id, value in section.items():
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(
                f"{path}: [keys] {binding_id[:40]} must be keys in quotes, "
                'such as "ctrl+q" or "q,f10".'
            )
        keys[binding_id] = value
    return keys


def _theme(data: dict[str, object], path: Path) -> str:
    """``[ui] theme``; whether Textual has such a theme is the app's to say."""
    section = data.get("ui", {})
    theme = section.get("theme", "") if isinstance(section, dict) else None
    if not isinstance(theme, str):
        raise ConfigError(f'{path}: [ui] theme must be a theme name in quotes, such as "nord".')
    return theme.strip()


_SYNC_TEXT = (
    "url",
    "carddav_url",
    "username",
    "password_env",
    "tasks",
    "events",
    "addressbook",
    "ca_file",
)
MAX_SYNC_EVERY = 24 * 60


def _password_command(section: dict[str, object], table: str, path: Path) -> tuple[str, ...]:
    """``password_command`` as the argv it is run with (no shell): a string split like a shell
    would, or a list of strings."""
    import shlex

    command = section.get("password_command", "")
    if isinstance(command, str):
        try:
            return tuple(shlex.split(command))
        except ValueError as error:
            raise ConfigError(f"{path}: [{table}] password_command: {error}.") from error
    if isinstance(command, list) and all(isinstance(part, str) for part in command):
        return tuple(command)
    raise ConfigError(f"{path}: [{table}] password_command must be a command in quotes.")


def _sync(data: dict[str, object], path: Path) -> SyncSettings:
    """``[sync]``, with each value checked; whether the server answers is the sync's to say."""
    section = data.get("sync", {})
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: [sync] must be a table (url, username, password_command...).")
    values: dict[str, str] = {}
    for name in _SYNC_TEXT:
        value = section.get(name, getattr(SyncSettings, name))
        if not isinstance(value, str) or "\0" in value:
            raise ConfigError(f"{path}: [sync] {name} must be text in quotes.")
        values[name] = value.strip()
    url = values["url"]
    for name in ("url", "carddav_url"):
        if values[name] and not values[name].lower().startswith(("https://", "http://")):
            raise ConfigError(f"{path}: [sync] {name} must start with https:// (or http://).")
    for name in ("tasks", "events", "addressbook"):
        if url and not values[name]:
            raise ConfigError(f"{path}: [sync] {name} must name a collection.")
    argv = _password_command(section, "sync", path)
    as_events = section.get("tasks_as_events", False)
    if not isinstance(as_events, bool):
        raise ConfigError(f"{path}: [sync] tasks_as_events must be true or false.")
    every = section.get("every", 0)
    if not isinstance(every, int) or isinstance(every, bool) or not 0 <= every <= MAX_SYNC_EVERY:
        raise ConfigError(
            f"{path}: [sync] every must be a whole number of minutes, 0 (by hand) to "
            f"{MAX_SYNC_EVERY:,}."
        )
    unknown = sorted(set(section) - {*_SYNC_TEXT, "password_command", "tasks_as_events", "every"})
    if unknown:
        raise ConfigError(f"{path}: [sync] has no setting {unknown[0][:40]!r}.")
    return SyncSettings(password_command=argv, tasks_as_events=as_events, every=every, **values)


_IMAP_KEYS = {
    "host", "port", "username", "password_command", "password_env", "folders", "tls", "ca_file"
}  # fmt: skip


def _imap(data: dict[str, object], path: Path) -> ImapSettings:
    """``[imap]``, with each value checked; whether the server answers is the fetch's to say."""
    section = data.get("imap", {})
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: [imap] must be a table (host, username, password_command...).")
    unknown = sorted(set(section) - _IMAP_KEYS)
    if unknown:
        raise ConfigError(f"{path}: [imap] has no setting {unknown[0][:40]!r}.")
    values: dict[str, str] = {}
    for name in ("host", "username", "password_env", "ca_file"):
        value = section.get(name, "")
        if not isinstance(value, str) or "\0" in value:
            raise ConfigError(f"{path}: [imap] {name} must be text in quotes.")
        values[name] = value.strip()
    host = values["host"]
    if any(char.isspace() or char in "/:@" for char in host):
        raise ConfigError(
            f'{path}: [imap] host must be a server name such as "imap.gmail.com", '
            f"not {host[:40]!r}."
        )
    if host and not values["username"]:
        raise ConfigError(f"{path}: [imap] username must be set (the mailbox to log in to).")
    port = section.get("port", ImapSettings.port)
    if not isinstance(port, int) or isinstance(port, bool) or not 1 <= port <= 65535:
        raise ConfigError(f"{path}: [imap] port must be a whole number, 1 to 65535.")
    folders = section.get("folders", list(DEFAULT_IMAP_FOLDERS))
    if (
        not isinstance(folders, list)
        or not folders
        or not all(isinstance(name, str) and name.strip() and "\0" not in name for name in folders)
    ):
        raise ConfigError(
            f'{path}: [imap] folders must be a list of folder names, such as ["INBOX", "Sent"].'
        )
    tls = section.get("tls", True)
    if not isinstance(tls, bool):
        raise ConfigError(f"{path}: [imap] tls must be true or false.")
    return ImapSettings(
        port=port,
        password_command=_password_command(section, "imap", path),
        folders=tuple(dict.fromkeys(name.strip() for name in folders)),
        tls=tls,
        **values,
    )


def _time_zone(data: dict[str, object], path: Path) -> str:
    """``[time] zone``, checked against the zone database; "" when it isn't set."""
    from zoneinfo import ZoneInfo

    section = data.get("time", {})
    zone = section.get("zone", "") if isinstance(section, dict) else None
    if zone == "":
        return ""
    problem = f'{path}: [time] zone must be a time zone name such as "Europe/Berlin"'
    if not isinstance(zone, str) or zone.startswith("/") or "\0" in zone:
        raise ConfigError(problem + ".")
    try:
        ZoneInfo(zone)
    except (KeyError, ValueError, OSError) as error:
        raise ConfigError(f"{problem}, not {zone[:40]!r}.") from error
    return zone


def save_theme(path: Path, theme: str) -> None:
    """Write ``[ui] theme`` into the config file, keeping every other line and comment as is.

    Raises ConfigError, and leaves the file untouched, when it can't be read as TOML or the
    edit would change anything but the theme.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    except OSError as error:
        raise ConfigError(f"{path}: {error.strerror}") from error
    try:
        before = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: {error}") from error
    edited = _with_theme_line(text, f"theme = {json.dumps(theme)}")
    expected = {**before, "ui": {**before.get("ui", {}), "theme": theme}}
    try:
        if tomllib.loads(edited) != expected:
            raise ConfigError(
                f"{path}: the [ui] theme line can't be changed safely; edit it by hand."
            )
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(
            f"{path}: the [ui] theme line can't be changed safely; edit it by hand."
        ) from error
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        spare = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        spare.write_text(edited, encoding="utf-8")
        os.replace(spare, path)
    except OSError as error:
        raise ConfigError(f"{path}: {error.strerror}") from error


_HEADER = re.compile(r"^\s*\[\[?([^\]]*)\]\]?\s*(#.*)?$")
_THEME = re.compile(r"^\s*theme\s*=")


def _with_theme_line(text: str, line: str) -> str:
    """``text`` with ``line`` replacing the theme in ``[ui]``, or added to (a new) ``[ui]``."""
    lines = text.splitlines(keepends=True)
    section: str | None = None
    ui_end: int | None = None
    for number, current in enumerate(lines):
        header = _HEADER.match(current)
        if header:
            section = header.group(1).strip()
            if section == "ui":
                ui_end = number + 1
            continue
        if section == "ui":
            if _THEME.match(current):
                newline = "\n" if current.endswith("\n") else ""
                return "".join([*lines[:number], line + newline, *lines[number + 1 :]])
            if current.strip():
                ui_end = number + 1
    if ui_end is not None:
        return "".join([*lines[:ui_end], line + "\n", *lines[ui_end:]])
    if text and not text.endswith("\n"):
        text += "\n"
    return text + ("\n" if text.strip() else "") + f"[ui]\n{line}\n"


def current_settings() -> Settings:
    """The settings in the user's config file; the defaults when it is missing or unusable
    (the CLI warns about a bad file where it is read at start-up)."""
    from crm import paths

    try:
        return load_settings(paths.config_path())
    except ConfigError:
        return Settings()
