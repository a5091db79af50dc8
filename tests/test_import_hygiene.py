"""The domain and service layers must not pull in the UI."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import importlib, pkgutil, sys
import crm.domain, crm.services
for package in (crm.domain, crm.services):
    for module in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
        importlib.import_module(module.name)
leaked = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
print(",".join(leaked))
"""

DOMAIN_CHECK = """
import importlib, pkgutil, sys
import crm.domain
for module in pkgutil.iter_modules(crm.domain.__path__, "crm.domain."):
    importlib.import_module(module.name)
print(",".join(sorted(m for m in ("peewee", "playhouse", "textual", "crm.db") if m in sys.modules)))
"""


def _run(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_domain_and_services_do_not_import_textual() -> None:
    assert _run(CHECK) == ""


def test_domain_imports_neither_database_nor_ui() -> None:
    assert _run(DOMAIN_CHECK) == ""


def test_cli_search_path_does_not_import_textual() -> None:
    code = (
        "import sys\nfrom crm import cli\n"
        "print('textual' in sys.modules)"
    )
    assert _run(code) == "False"


def test_opening_the_app_leaves_what_the_first_frame_does_not_need() -> None:
    """Start-up is import-bound: these load on first use, after the first frame."""
    later = (
        "crm.services.suggestions",  # Today's suggestions follow the agenda
        "crm.services.merging",
        "crm.screens.contact_screen",
        "crm.screens.help",
        "crm.screens.contact_form",
        "crm.domain.when",  # the date parser, and dateutil with it, are for forms
        "dateutil",
    )
    code = f"import sys\nimport crm.app\nprint(','.join(m for m in {later!r} if m in sys.modules))"
    assert _run(code) == ""


def test_reading_an_iso_moment_leaves_dateutil_unloaded() -> None:
    """`crm --now 2026-11-22T09:00` (and a typed ISO date) needn't pay dateutil's import."""
    code = (
        "import sys\nfrom datetime import UTC, datetime\nfrom crm.domain.when import parse_when\n"
        "parse_when('2026-11-22 09:00', now=datetime(2026, 11, 1), tz=UTC)\n"
        "parse_when('2026-11-23', now=datetime(2026, 11, 1), tz=UTC)\n"
        "print('dateutil' in sys.modules)"
    )
    assert _run(code) == "False"
