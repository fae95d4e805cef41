"""Text folding shared by import and search: one rule for "Doña Ana" == "dona ana"."""

import re
import unicodedata

_SPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lowercase, strip accents, unify apostrophes and spaces, for matching and search."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    return _SPACE.sub(" ", text).strip().casefold()
