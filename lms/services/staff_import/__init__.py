"""
Bulk import of staff from the files HR has: CSV (UTF-8 or the GBK that Chinese Excel saves)
and XLSX. The whole file is checked first and every bad row reported with its row number;
nothing is saved unless every row is valid. Re-importing a file updates people matched by
employee number instead of duplicating them. By capability: reading files, checking and
saving rows, and the background job.
"""

from lms.services.staff_import.files import (
    COLUMN_ALIASES,
    STAFF_FILE_HEADERS,
    RowError,
    StaffFileError,
    describe_error,
    staff_file_read,
)
from lms.services.staff_import.jobs import (
    staff_import_claim,
    staff_import_process,
    staff_import_start,
    staff_imports_reconcile,
)
from lms.services.staff_import.rows import (
    ImportResult,
    StaffRow,
    has_control_characters,
    normalise_employee_no,
    staff_file_import,
    staff_rows_apply,
    staff_rows_check,
)

__all__ = [
    "COLUMN_ALIASES",
    "STAFF_FILE_HEADERS",
    "ImportResult",
    "RowError",
    "StaffFileError",
    "StaffRow",
    "describe_error",
    "has_control_characters",
    "normalise_employee_no",
    "staff_file_import",
    "staff_file_read",
    "staff_import_claim",
    "staff_import_process",
    "staff_import_start",
    "staff_imports_reconcile",
    "staff_rows_apply",
    "staff_rows_check",
]
