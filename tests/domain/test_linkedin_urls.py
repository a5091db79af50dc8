"""normalize_profile_url's shortcut for URLs written the common way gives the general answer."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from crm.domain.linkedin_urls import (
    _canonical_profile_path,
    _normalize_general,
    is_profile_url,
    normalize_profile_url,
)

# Pieces of slugs: the plain ASCII of most exports, and every way a slug can stray from it.
_ascii = st.text("abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=8)
_upper = st.text("ABCXYZ", min_size=1, max_size=3)
_odd_ascii = st.sampled_from(["_", ".", "~", "%", "%%", "%4", "%zz", " ", "+", "@", "/", "//"])
_letters = st.text(
    st.characters(blacklist_categories=("Cs",), min_codepoint=0x80), min_size=1, max_size=3
)
_special = st.sampled_from(["É", "é", "Σ", "σ", "ς", "İ", "ß", "Ǆ", "ǅ", "ǆ", "ﬁ", "ö", "Ö", "ω"])


def _escaped(text: str, upper: bool) -> str:
    escaped = quote(text.encode("utf-8", "surrogatepass"), safe="")
    return escaped if upper else escaped.lower()


# Percent-escapes: of UTF-8 text (either case of hex), of raw bytes (not always UTF-8, and
# sometimes ASCII, which the general path decodes) and of single bytes cut out of a sequence.
_escapes = st.one_of(
    st.builds(_escaped, st.one_of(_letters, _special), st.booleans()),
    st.builds(lambda b: "".join(f"%{x:02X}" for x in b), st.binary(min_size=1, max_size=4)),
    st.builds(lambda b: "".join(f"%{x:02x}" for x in b), st.binary(min_size=1, max_size=4)),
    st.sampled_from(["%C3", "%A9", "%C3%", "%E2%82", "%ED%A0%80", "%C0%AF", "%2D", "%41", "%2F"]),
)
_slug = st.lists(
    st.one_of(_ascii, _ascii, _escapes, _escapes, _upper, _letters, _special, _odd_ascii),
    max_size=6,
).map("".join)

_scheme = st.sampled_from(["https://", "https://", "http://", "HTTPS://", "", "//"])
_host = st.sampled_from(
    [
        "www.linkedin.com",
        "de.linkedin.com",
        "linkedin.com",
        "m.linkedin.com",
        "ca.fr.linkedin.com",
        "WWW.LinkedIn.com",
        "www.linkedin.com:443",
        "linkedin.com.",
        "www.linkedin.co",
        "example.com",
    ]
)
_section = st.sampled_from(["/in/", "/in/", "/in/", "/IN/", "/in//", "/pub/", "/", ""])
_tail = st.sampled_from(["", "", "/", "//", "?trk=x", "/?x=1#y", "#about", " ", "\n", "\t"])
_lead = st.sampled_from(["", "", " ", "\t"])


@pytest.mark.slow
@settings(max_examples=2000)
@given(lead=_lead, scheme=_scheme, host=_host, section=_section, slug=_slug, tail=_tail)
@example(lead="", scheme="https://", host="de.linkedin.com", section="/in/", slug="ann", tail="")
def test_the_shortcut_agrees_with_the_general_path(
    lead: str, scheme: str, host: str, section: str, slug: str, tail: str
) -> None:
    url = f"{lead}{scheme}{host}{section}{slug}{tail}"
    normal = normalize_profile_url(url)
    assert normal == _normalize_general(url)
    assert normalize_profile_url(normal) == normal
    if _canonical_profile_path(url) is not None:
        assert is_profile_url(normal)


@given(st.text(max_size=60))
def test_the_shortcut_agrees_on_any_text(text: str) -> None:
    assert normalize_profile_url(text) == _normalize_general(text)


@given(
    host=st.sampled_from(["www.", "de.", ""]),
    text=st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12),
    slash=st.sampled_from(["", "/"]),
)
def test_canonical_slugs_of_any_text_agree(host: str, text: str, slash: str) -> None:
    """Slugs as the general path writes them, so most of these take the shortcut."""
    canonical = _normalize_general(f"https://linkedin.com/in/{text}")
    url = canonical.replace("https://", f"https://{host}", 1) + slash
    assert normalize_profile_url(url) == _normalize_general(url) == canonical


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("https://www.linkedin.com/in/ann-lee-1a2b", "/in/ann-lee-1a2b"),
        ("https://de.linkedin.com/in/ann/", "/in/ann"),
        ("https://linkedin.com/in/zo%C3%AB-%C5%82aski-1a2b", "/in/zo%C3%AB-%C5%82aski-1a2b"),
        ("https://www.linkedin.com/in/%E4%BC%9F-%E7%8E%8B", "/in/%E4%BC%9F-%E7%8E%8B"),
        ("https://www.linkedin.com/in/%FF%C3", "/in/%FF%C3"),  # not UTF-8: kept as it came
        ("https://www.linkedin.com/in/%C3-%A9", "/in/%C3-%A9"),  # nor these: a byte a run
        ("https://www.linkedin.com/in/%CF%83%CF%82", "/in/%CF%83%CF%82"),  # σς
        ("https://www.linkedin.com/in/%CE%A3", None),  # Σ, which lower() makes ς here
        ("https://www.linkedin.com/in/a%CE%A3", None),
        ("https://www.linkedin.com/in/%C3%89mile", None),  # É: lower-cased by the general path
        ("https://www.linkedin.com/in/%c3%a9", None),  # lower-case hex
        ("https://www.linkedin.com/in/%2Dann", None),  # an escaped ASCII character
        ("https://www.linkedin.com/in/ann%", None),
        ("https://www.linkedin.com/in/Ann", None),
        ("http://www.linkedin.com/in/ann", None),
        (" https://www.linkedin.com/in/ann", None),
        ("https://www.linkedin.com/in/ann?trk=x", None),
        ("https://www.linkedin.com/in/ann//", None),
    ],
)
def test_which_urls_take_the_shortcut(url: str, path: str | None) -> None:
    assert _canonical_profile_path(url) == path
    assert normalize_profile_url(url) == _normalize_general(url)
