"""The header row of LinkedIn's Connections.csv: its column names in each export language."""

from __future__ import annotations

import re

from crm.domain.text import strip_case_and_marks

FIELDS = ("first_name", "last_name", "url", "email", "company", "position", "connected_on")

# Column names per export language, matched after folding case, accents, spaces and dashes.
# English and German are LinkedIn's own; the others follow LinkedIn's translations.
HEADER_NAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "first_name": ("First Name",),
        "last_name": ("Last Name",),
        "url": ("URL", "Profile URL"),
        "email": ("Email Address", "E-mail Address", "Email"),
        "company": ("Company",),
        "position": ("Position",),
        "connected_on": ("Connected On",),
    },
    "de": {
        "first_name": ("Vorname",),
        "last_name": ("Nachname",),
        "url": ("URL",),
        "email": ("E-Mail-Adresse", "E-Mail"),
        "company": ("Unternehmen", "Firma"),
        "position": ("Position",),
        "connected_on": ("Verbunden am", "Vernetzt am"),
    },
    "fr": {
        "first_name": ("Prénom",),
        "last_name": ("Nom", "Nom de famille"),
        "url": ("URL",),
        "email": ("Adresse e-mail", "E-mail"),
        "company": ("Entreprise",),
        "position": ("Poste",),
        "connected_on": ("Connecté le", "Date de connexion"),
    },
    "es": {
        "first_name": ("Nombre",),
        "last_name": ("Apellidos", "Apellido"),
        "url": ("URL",),
        "email": ("Dirección de correo electrónico", "Correo electrónico"),
        "company": ("Empresa",),
        "position": ("Cargo", "Puesto"),
        "connected_on": ("Conectado el", "Fecha de conexión"),
    },
    "pt": {
        "first_name": ("Nome",),
        "last_name": ("Sobrenome", "Apelido"),
        "url": ("URL",),
        "email": ("Endereço de e-mail", "E-mail"),
        "company": ("Empresa",),
        "position": ("Cargo",),
        "connected_on": ("Conectado em", "Data da conexão"),
    },
    "it": {
        "first_name": ("Nome",),
        "last_name": ("Cognome",),
        "url": ("URL",),
        "email": ("Indirizzo email", "Indirizzo e-mail", "E-mail"),
        "company": ("Azienda",),
        "position": ("Posizione", "Ruolo"),
        "connected_on": ("Collegato il", "Collegamento il", "Data di collegamento"),
    },
    "nl": {
        "first_name": ("Voornaam",),
        "last_name": ("Achternaam",),
        "url": ("URL",),
        "email": ("E-mailadres",),
        "company": ("Bedrijf",),
        "position": ("Functie", "Positie"),
        "connected_on": ("Verbonden op", "Connectie sinds"),
    },
}
_NOT_LETTERS = re.compile(r"[\W_]+")


def _header_key(cell: str) -> str:
    """A column name folded so that "E-Mail-Adresse" and "email adresse" compare equal."""
    return _NOT_LETTERS.sub("", strip_case_and_marks(cell))


_COLUMN_LOOKUP: dict[str, dict[str, str]] = {
    language: {_header_key(alias): field for field, aliases in names.items() for alias in aliases}
    for language, names in HEADER_NAMES.items()
}


def match_header(cells: list[str]) -> tuple[str, dict[str, int]] | None:
    """The language and field -> column map of a header row, or None if it isn't one.

    A header needs the first and last name columns and at least one other known column; the
    URL column is absent from exports made before 2019. Unknown columns are ignored.
    """
    keys = [_header_key(cell) for cell in cells]
    best: tuple[str, dict[str, int]] | None = None
    for language, lookup in _COLUMN_LOOKUP.items():
        columns: dict[str, int] = {}
        for index, key in enumerate(keys):
            field = lookup.get(key)
            if field is not None and field not in columns:
                columns[field] = index
        if "first_name" in columns and "last_name" in columns and len(columns) >= 3:
            if best is None or len(columns) > len(best[1]):
                best = (language, columns)
    return best


__all__ = ["FIELDS", "HEADER_NAMES", "match_header"]
