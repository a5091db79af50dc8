"""Hypothesis strategies for bad files: valid fixtures, mutated the way real files go wrong.

A download cut short, a byte flipped on a bad disk, the file saved again by a spreadsheet in
another encoding, a header someone "fixed", a runaway quote that swallows the rest, a cell of
a hundred thousand characters, or a file that was never text at all.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable, Sequence

from hypothesis import strategies as st

HUGE_FIELD = 200_000  # characters: past every importer's limit on a cell

Mutation = Callable[[bytes], bytes]

_ENCODINGS = ("utf-16", "utf-16-le", "utf-16-be", "latin-1", "cp1252", "cp1251", "shift_jis")
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE)
_NASTY = [
    b"\x00", b'"', b'""', b",", b";", b"\t", b"\r", b"\n", b"\r\n", b"\\", b":", b"=",
    b"\xef\xbb\xbf", b"\xff\xfe", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80",
    "ＡＢＣ".encode(), "山田".encode(), "\u202e".encode(), "\u0301".encode(),
    b"BEGIN:VCARD", b"END:VCARD", b"=\r\n", b";CHARSET=utf-8", b";ENCODING=QUOTED-PRINTABLE",
    b"First Name,Last Name", b"https://www.linkedin.com/in/", b"%E2%82", b"{", b"}", b"[", b"]",
    b"null", b"1e309", b"-0", b"\"\\ud800\"", b"2026-02-30T25:61:00Z",
]  # fmt: skip


@st.composite
def _mutation(draw: st.DrawFn) -> Mutation:
    kind = draw(
        st.sampled_from(
            ["flip", "delete", "insert", "nasty", "duplicate", "truncate", "huge", "encode",
             "bom", "swap_lines", "drop_line", "header"]
        )
    )  # fmt: skip
    position = draw(st.floats(0, 1))
    length = draw(st.integers(1, 64))
    junk = draw(st.binary(min_size=1, max_size=32))
    nasty = draw(st.sampled_from(_NASTY))
    encoding = draw(st.sampled_from(_ENCODINGS))
    bom = draw(st.sampled_from(_BOMS))
    cells = draw(st.lists(st.text(max_size=12), min_size=1, max_size=9))

    def at(data: bytes) -> int:
        return int(position * len(data))

    def mutate(data: bytes) -> bytes:
        i = at(data)
        if kind == "flip" and data:
            i = min(i, len(data) - 1)
            return data[:i] + bytes([data[i] ^ (1 << (length % 8))]) + data[i + 1 :]
        if kind == "delete":
            return data[:i] + data[i + length :]
        if kind == "insert":
            return data[:i] + junk + data[i:]
        if kind == "nasty":
            return data[:i] + nasty + data[i:]
        if kind == "duplicate":
            return data[:i] + data[i : i + length * 8] + data[i:]
        if kind == "truncate":
            return data[:i]
        if kind == "huge":
            return data[:i] + b"x" * HUGE_FIELD + data[i:]
        if kind == "encode":
            text = data.decode("utf-8", "replace")
            return text.encode(encoding, "replace")
        if kind == "bom":
            return bom + data
        lines = data.split(b"\n")
        j = min(int(position * len(lines)), len(lines) - 1)
        if kind == "swap_lines" and len(lines) > 1:
            k = (j + length) % len(lines)
            lines[j], lines[k] = lines[k], lines[j]
        elif kind == "drop_line":
            del lines[j]
        elif kind == "header":
            lines[j] = ",".join(cells).encode("utf-8")
        return b"\n".join(lines)

    return mutate


def mutated(seeds: Sequence[bytes]) -> st.SearchStrategy[bytes]:
    """One of ``seeds`` with one to four mutations applied."""

    @st.composite
    def build(draw: st.DrawFn) -> bytes:
        data = draw(st.sampled_from(list(seeds)))
        for mutate in draw(st.lists(_mutation(), min_size=1, max_size=4)):
            data = mutate(data)
        return data

    return build()


def random_text_file(separators: str = ",;\t") -> st.SearchStrategy[bytes]:
    """Rows of random cells: text that is "a CSV" only in shape."""
    cell = st.text(st.characters(codec="utf-8"), max_size=20)
    row = st.tuples(st.lists(cell, max_size=8), st.sampled_from(separators))
    return st.lists(row, max_size=12).map(
        lambda rows: "\n".join(sep.join(cells) for cells, sep in rows).encode("utf-8")
    )


def bad_files(seeds: Sequence[bytes]) -> st.SearchStrategy[bytes]:
    """Mostly mutated fixtures, sometimes random bytes or random text, sometimes a seed as is."""
    return st.one_of(
        mutated(seeds),
        mutated(seeds),
        mutated(seeds),
        st.binary(max_size=3000),
        random_text_file(),
        st.sampled_from(list(seeds)),
    )


# Numbers SQLite can't store, and text a JSON file can spell but UTF-8 can't (lone surrogates).
OUT_OF_RANGE = st.sampled_from([2**63, -(2**63) - 1, 10**30, -(10**30)])
LONE_SURROGATES = st.text(st.characters(categories=["Cs"]), min_size=1, max_size=3)

_JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | OUT_OF_RANGE
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | st.builds("Ann {}".format, LONE_SURROGATES)
    | st.sampled_from(
        ["", " ", "2026-11-18T15:00:00Z", "2026-02-30T25:00:00Z", "email", "x" * 5000]
    ),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)


@st.composite
def _json_edit(draw: st.DrawFn) -> Callable[[object], None]:
    """One edit of a parsed document, in place: a value replaced, a key dropped, a row copied."""
    kind = draw(
        st.sampled_from(["replace", "replace", "drop", "copy_row", "swap_values", "add_key"])
    )
    # Mostly three steps deep: a section, a record, one of its fields.
    path_choices = draw(st.lists(st.integers(0, 10_000), min_size=1, max_size=4))
    value = draw(st.one_of(_JSON_VALUES, OUT_OF_RANGE, LONE_SURROGATES))
    new_key = draw(st.text(max_size=10))

    def walk(node: object) -> tuple[object, object] | None:
        """A (container, key) somewhere inside ``node``, chosen by path_choices."""
        parent: tuple[object, object] | None = None
        for depth, choice in enumerate(path_choices):
            if isinstance(node, dict) and node:
                keys = sorted(node)
                if depth == 0:  # mostly into a section's records, where the data is
                    keys = [
                        key for key in keys if isinstance(node[key], list) and node[key]
                    ] or keys
                key = keys[choice % len(keys)]
            elif isinstance(node, list) and node:
                key = choice % len(node)
            else:
                break
            parent = (node, key)
            node = node[key]  # type: ignore[index]
        return parent

    def edit(document: object) -> None:
        found = walk(document)
        if found is None:
            return
        container, key = found
        if kind == "replace":
            container[key] = value  # type: ignore[index]
        elif kind == "drop":
            del container[key]  # type: ignore[attr-defined]
        elif kind == "copy_row" and isinstance(container, list):
            container.insert(int(key), container[key])  # type: ignore[call-overload, index]
        elif kind == "swap_values" and isinstance(container, dict) and len(container) > 1:
            keys = sorted(container)
            other = keys[(keys.index(key) + 1) % len(keys)]
            container[key], container[other] = container[other], container[key]
        elif kind == "add_key" and isinstance(container, dict):
            container[new_key] = value

    return edit


def edited_documents(seeds: Sequence[str]) -> st.SearchStrategy[bytes]:
    """A JSON export with one to three structural edits, as UTF-8 bytes."""

    @st.composite
    def build(draw: st.DrawFn) -> bytes:
        document = json.loads(draw(st.sampled_from(list(seeds))))
        for edit in draw(st.lists(_json_edit(), min_size=1, max_size=3)):
            edit(document)
        text = json.dumps(document, ensure_ascii=draw(st.booleans()))
        # Written raw, a lone surrogate becomes bytes that aren't UTF-8: a different fault.
        return text.encode("utf-8", "surrogatepass")

    return build()
