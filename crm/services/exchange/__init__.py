"""Moving data in and out: everything as a versioned JSON document, and CSV for spreadsheets.

The JSON document names records by their ``uid`` (companies by their ``key``), never by database
id, and lists them in an order that depends only on their content, so exporting a database,
importing the document into an empty one and exporting again gives the same bytes.

``schema`` says what the document holds, ``export`` writes it, ``check`` reads one into a plan,
``load`` writes a plan into an empty database, and ``csv_export`` writes the spreadsheets.
"""

from crm.services.exchange.check import KEEP_IN_TOUCH_DAYS, check_document, parse_document
from crm.services.exchange.csv_export import (
    CONTACT_COLUMNS,
    CSV_KINDS,
    CSV_WRITERS,
    FORMULA_PREFIXES,
    INTERACTION_COLUMNS,
    neutralise,
    write_contacts_csv,
    write_interactions_csv,
)
from crm.services.exchange.export import document_text, export_document, export_json
from crm.services.exchange.load import (
    INSERT_CHUNK,
    ImportSummary,
    import_document,
    import_json_file,
    import_json_text,
)
from crm.services.exchange.schema import FORMAT, VERSION, ExchangeError, time_text

__all__ = [
    "CONTACT_COLUMNS",
    "CSV_KINDS",
    "CSV_WRITERS",
    "FORMAT",
    "FORMULA_PREFIXES",
    "INSERT_CHUNK",
    "INTERACTION_COLUMNS",
    "KEEP_IN_TOUCH_DAYS",
    "VERSION",
    "ExchangeError",
    "ImportSummary",
    "check_document",
    "document_text",
    "export_document",
    "export_json",
    "import_document",
    "import_json_file",
    "import_json_text",
    "neutralise",
    "parse_document",
    "time_text",
    "write_contacts_csv",
    "write_interactions_csv",
]
