"""The old path of the import services, kept only for crm/cli*.py while the CLI is being
reorganised: remove it once the CLI imports from crm.services.importing."""

from crm.services.importing.batches import (
    ImportAlreadyUndone,
    ImportBatchNotFound,
    list_imports,
    undo_import,
)
from crm.services.importing.linkedin import LinkedInExportError, import_linkedin

__all__ = [
    "ImportAlreadyUndone",
    "ImportBatchNotFound",
    "LinkedInExportError",
    "import_linkedin",
    "list_imports",
    "undo_import",
]
