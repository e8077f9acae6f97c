"""The keys a name, a postcode or an NHS number is found by, computed when the row is written.

A name's key is its Metaphone code (jellyfish), word by word: "Jon Smyth" and "John Smith"
both key as "JN" / "SM0", so an indexed equality finds spelling variants on SQLite (the demo)
and PostgreSQL alike. Similar-name *ranking* is separate (`people.selectors`): trigram
similarity in PostgreSQL, Jaro-Winkler in Python elsewhere.
"""

import re

import jellyfish

_WORD = re.compile(r"[^\W\d_]+")


def name_key(text: str) -> str:
    """The Metaphone code of each word of `text`, space-separated ("" for no letters)."""
    return " ".join(jellyfish.metaphone(word) for word in _WORD.findall(text or "")).strip()[:60]


def name_keys(first: str, last: str) -> dict[str, str]:
    """The fields a person's (or another name's) keys are stored in."""
    return {"first_name_key": name_key(first), "last_name_key": name_key(last)}


def postcode_key(postcode: str) -> str:
    """A postcode as compared: capitals, no spaces ("ch41 1aa" is "CH411AA")."""
    return "".join((postcode or "").split()).upper()[:10]


def nhs_key(nhs_number: str) -> str:
    return "".join((nhs_number or "").split())


def similarity(a: str, b: str) -> float:
    """How alike two names are, 0 to 1 (Jaro-Winkler, case ignored): the ranking where the
    database cannot do it (SQLite)."""
    a, b = " ".join(a.split()).casefold(), " ".join(b.split()).casefold()
    if not a or not b:
        return 0.0
    return float(jellyfish.jaro_winkler_similarity(a, b))
