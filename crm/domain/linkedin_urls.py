"""LinkedIn profile URLs: one canonical spelling per profile, and whether a URL is one."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# How nearly every export writes a profile, already canonical but for the host: a shortcut.
# A slug may hold %XX escapes; those of non-ASCII bytes (8X to FX) in upper case are kept as
# they are when the text they decode to is lower case already (_canonical_profile_path).
COMMON_PROFILE = re.compile(r"https://(?:www\.|[a-z]{2}\.)?linkedin\.com(/in/[a-z0-9-]+)/?\Z")
_ENCODED_PROFILE = re.compile(
    r"https://(?:www\.|[a-z]{2}\.)?linkedin\.com"
    r"(/in/[a-z0-9-]*(?:%[89A-F][0-9A-F][a-z0-9-]*)+)/?\Z"
)
# A LinkedIn address, on any subdomain (www, de, m…), with or without a scheme or port.
_LINKEDIN = re.compile(
    r"^(?:https?://)?(?:[a-z0-9-]+\.)*linkedin\.com\.?(?::\d*)?(/[^?#]*)?(?:[?#].*)?$",
    re.IGNORECASE | re.DOTALL,
)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_TAB_AND_NEWLINES = str.maketrans("", "", "\t\r\n")
_HOST_EDGES = re.compile(r"\A\s+|[\s.]+\Z")
_SLASHES = re.compile(r"/{2,}")
_ESCAPES = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
_UNSAFE = re.compile(r"[^A-Za-z0-9/\-_.~!$&'()*+,;=:@]+")  # what a path may not hold as is


def normalize_profile_url(url: str) -> str:
    """One canonical form per profile URL, so the same person matches whatever the spelling.

    https, no ``www.`` or country subdomain (``de.linkedin.com``), no query, fragment or
    trailing slash, a lower-case path, and non-ASCII slugs percent-encoded as UTF-8 whether
    they came encoded (``j%C3%B6rg``) or not (``jörg``). Returns "" for a blank cell.
    """
    path = _canonical_profile_path(url)
    if path is not None:
        return "https://linkedin.com" + path
    return _normalize_general(url)


def _canonical_profile_path(url: str) -> str | None:
    """The path of a profile URL written one of the common ways, or None.

    None means "not sure": normalize_profile_url then takes the general path, which gives
    the same answer for every URL this one accepts (tests/domain/test_linkedin_urls.py).
    """
    found = COMMON_PROFILE.match(url)
    if found is not None:
        return found[1]
    found = _ENCODED_PROFILE.match(url)
    if found is None:
        return None
    path = found[1]
    # Only bytes 0x80-0xFF are escaped, so the runs decode as one string would, and bytes that
    # aren't UTF-8 come back as the same escapes: the path is canonical if it is lower case.
    escaped = path.replace("%", "\\x").encode("ascii").decode("unicode_escape")
    text = escaped.encode("latin-1").decode("utf-8", "surrogateescape")
    return path if text.lower() == text else None


def _normalize_general(url: str) -> str:
    """normalize_profile_url without its shortcut: any spelling of any URL."""
    text = url.strip().translate(_TAB_AND_NEWLINES)  # dropped, as browsers (and urlsplit) do
    if not text:
        return ""
    found = _LINKEDIN.match(text)
    if found:
        return "https://linkedin.com" + _canonical_path(found[1] or "")
    return _normalize_any_url(text)


def _normalize_any_url(text: str) -> str:
    """normalize_profile_url for addresses the LinkedIn pattern doesn't cover."""
    if not _SCHEME.match(text):
        text = "https://" + text.lstrip("/")
    try:
        parts = urlsplit(text)
        host = _HOST_EDGES.sub("", parts.hostname or "")
    except ValueError:  # e.g. an invalid IPv6 host
        return text
    if host == "linkedin.com" or host.endswith(".linkedin.com"):
        host = "linkedin.com"
    return "https://" + host + _canonical_path(parts.path)


def _canonical_path(path: str) -> str:
    """Lower case, single slashes, none at the end, and one way of writing every character."""
    if path.isascii() and "%" not in path:
        return _quote(_SLASHES.sub("/", path.lower()).rstrip("/"))
    return _quote(_SLASHES.sub("/", _unquote(path).lower()).rstrip("/"))


def _unquote(path: str) -> str:
    """Decode %XX runs as UTF-8; bytes that aren't UTF-8 survive as surrogates (see _quote)."""
    if "%" not in path:
        return path
    return _ESCAPES.sub(
        lambda run: bytes.fromhex(run[0].replace("%", "")).decode("utf-8", "surrogateescape"),
        path,
    )


def _quote(path: str) -> str:
    """Percent-encode (upper-case hex, UTF-8) everything a URL path can't hold as it is."""
    return _UNSAFE.sub(
        lambda run: "%" + run[0].encode("utf-8", "surrogateescape").hex("%").upper(),
        path,
    )


def is_profile_url(url: str) -> bool:
    """Whether a normalised URL is a LinkedIn address with a path (a profile, not the site)."""
    return url.startswith("https://linkedin.com/") and len(url) > len("https://linkedin.com/")


__all__ = ["COMMON_PROFILE", "is_profile_url", "normalize_profile_url"]
