"""The old path of the Google Contacts import, kept only for crm/cli*.py while the CLI is
being reorganised: remove it once the CLI imports from crm.services.importing.google."""

from crm.services.importing.google import GoogleContactsError, import_google_contacts

__all__ = ["GoogleContactsError", "import_google_contacts"]
