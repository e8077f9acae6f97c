"""Cells for the CSV and xlsx files the app writes, safe to open in a spreadsheet.

A name typed as `=HYPERLINK(...)` would otherwise run as a formula on the manager's machine
(CSV injection). Following OWASP's guidance, text that a spreadsheet would read as a formula
is prefixed with a single quote; every other value is written unchanged.
"""

from typing import TypeVar

T = TypeVar("T")

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: T) -> T | str:
    """`value`, or for text a spreadsheet would run as a formula, that text quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values) -> list:
    return [safe_cell(value) for value in values]
