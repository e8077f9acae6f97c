"""A plain-language checker for text shared with families: jargon and very long sentences.

The inspector found plans written in professional jargon that families could not understand.
Before a plan is shared, every term from the glossary (JargonTerm, extendable by an
administrator) and every sentence longer than LONG_SENTENCE_WORDS words is flagged with a
suggestion.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

LONG_SENTENCE_WORDS = 25
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


@dataclass(frozen=True)
class Finding:
    kind: str  # "jargon" or "long_sentence"
    text: str  # the term found, or the sentence
    suggestion: str


def _term_pattern(term: str) -> re.Pattern:
    # "s47" should also catch "s.47" and "S 47"; hyphens and spaces are interchangeable.
    parts = [re.escape(p) for p in re.split(r"[\s\-]+", term.strip()) if p]
    body = r"[\s\-]+".join(parts)
    if re.fullmatch(r"s\d+", term.strip(), re.IGNORECASE):
        body = re.escape(term[0]) + r"\.?\s?" + re.escape(term[1:])
    return re.compile(rf"(?<![\w]){body}(?![\w])", re.IGNORECASE)


def check_text(text: str, glossary: Iterable) -> list[Finding]:
    """Jargon from `glossary` (objects with .term and .plain_alternative) and long sentences."""
    findings: list[Finding] = []
    if not text:
        return findings
    seen: set[str] = set()
    # Longer terms first, so "section 47 enquiry" wins over "section 47".
    for entry in sorted(glossary, key=lambda g: -len(g.term)):
        match = _term_pattern(entry.term).search(text)
        if match and entry.term.lower() not in seen:
            seen.add(entry.term.lower())
            findings.append(
                Finding(
                    kind="jargon",
                    text=match.group(0),
                    suggestion=f'Instead of "{match.group(0)}", try "{entry.plain_alternative}".',
                )
            )
    for sentence in _SENTENCE_END.split(text):
        words = sentence.split()
        if len(words) > LONG_SENTENCE_WORDS:
            findings.append(
                Finding(
                    kind="long_sentence",
                    text=sentence.strip(),
                    suggestion=(
                        f"This sentence has {len(words)} words. Try splitting it into shorter "
                        f"sentences of under {LONG_SENTENCE_WORDS} words."
                    ),
                )
            )
    return findings


# What the plan's reading age should not be above: most UK guidance for public information
# aims at a reading age of 9 to 11; a parent under stress reads below their usual level.
READING_AGE_AIM = 11
# Flesch-Kincaid gives a US school grade; a grade's pupils are about five years older.
GRADE_TO_AGE = 5
YOUNGEST_READING_AGE = 6


@dataclass(frozen=True)
class ReadingAge:
    years: int
    grade: float

    @property
    def within_aim(self) -> bool:
        return self.years <= READING_AGE_AIM

    @property
    def words(self) -> str:
        verdict = (
            "most families can read it"
            if self.within_aim
            else f"harder than the {READING_AGE_AIM} or under we aim for: use shorter sentences "
            "and everyday words"
        )
        return f"Reading age about {self.years} years: {verdict}."


def reading_age(text: str) -> ReadingAge | None:
    """The reading age of `text` from its Flesch-Kincaid grade (textstat), or None for text
    too short to score (under 20 words)."""
    if len(text.split()) < 20:
        return None
    import textstat  # loads its pronouncing dictionary on first use: only this page needs it

    try:
        grade = float(textstat.flesch_kincaid_grade(text))
    except Exception:  # noqa: BLE001 - advice only: the page is shown without it
        return None
    return ReadingAge(years=max(YOUNGEST_READING_AGE, round(grade + GRADE_TO_AGE)), grade=grade)
