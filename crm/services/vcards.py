"""The old path of the vCard services, kept only for crm/cli*.py while the CLI is being
reorganised: remove it once the CLI imports from crm.services.importing.vcard,
crm.services.vcard_export and crm.services.vdir."""

from crm.services.importing.vcard import VCardError, import_vcards
from crm.services.vcard_export import export_vcard_dir, export_vcards
from crm.services.vdir import write_atomically

__all__ = ["VCardError", "export_vcard_dir", "export_vcards", "import_vcards", "write_atomically"]
