"""Exports opened in a spreadsheet: no cell may run as a formula (CSV/formula injection).

Signers and ICE's lists supply the text; a name like "=HYPERLINK(…)" must reach staff as text.
Every CSV or XLSX export (contracts, signatures) goes through `neutralize`.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value):
    """Text a spreadsheet would run as a formula, prefixed with ' ; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
