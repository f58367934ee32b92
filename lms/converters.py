"""
Path converters. `<id:pk>` is Django's `<int:pk>` bounded to what a primary key can be: a
number past 64 bits names no row, and handed to the database it overflows (SQLite raises
OverflowError, a 500) instead of finding nothing. Such an address is simply not found.
"""

from django.urls import register_converter

# Primary keys are 64-bit signed integers on SQLite and PostgreSQL (BigAutoField).
LARGEST_ID = 2**63 - 1


class DatabaseIdConverter:
    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > LARGEST_ID:
            raise ValueError  # Django then tries the next pattern, and finally answers 404
        return number

    def to_url(self, value) -> str:
        return str(int(value))


register_converter(DatabaseIdConverter, "id")


class ExportFormatConverter:
    """`<export:fmt>`: the two file formats the academy's exports write."""

    regex = "csv|xlsx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)


register_converter(ExportFormatConverter, "export")
