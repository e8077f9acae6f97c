import pytest

from conferences.models import JargonTerm
from conferences.plain_language import check_text


@pytest.fixture
def glossary(db):
    return list(JargonTerm.objects.all())


def test_glossary_is_loaded_by_migration(glossary):
    terms = {g.term for g in glossary}
    assert {"disguised compliance", "s47", "core group", "threshold", "safeguarding"} <= terms


def test_flags_jargon_in_real_plan_sentences(glossary):
    text = (
        "Mum has shown disguised compliance with the safeguarding plan. "
        "The core group will review progress. Concerns met the threshold for an S.47 enquiry."
    )
    found = {f.text.lower() for f in check_text(text, glossary) if f.kind == "jargon"}
    assert {"disguised compliance", "safeguarding", "core group", "threshold", "s.47"} <= found
    suggestion = next(f for f in check_text(text, glossary) if f.text == "disguised compliance")
    assert "seeming to go along with the plan" in suggestion.suggestion


def test_plain_sentences_pass(glossary):
    text = "Mum will take Ruby to the dentist by 1 March. Dad will ring the school every Friday."
    assert check_text(text, glossary) == []


def test_does_not_flag_words_inside_other_words(glossary):
    assert (
        check_text("The engagement ring was returned.", [g for g in glossary if g.term == "engage"])
        == []
    )


def test_flags_very_long_sentences(glossary):
    long = " ".join(["word"] * 30) + "."
    findings = check_text(long, glossary)
    assert [f.kind for f in findings] == ["long_sentence"]
    assert "30 words" in findings[0].suggestion


def test_administrator_added_term_is_used(glossary):
    extra = JargonTerm.objects.create(term="neglectful", plain_alternative="not meeting needs")
    assert (
        check_text("Home conditions were neglectful.", [*glossary, extra])[0].text == "neglectful"
    )


GROWN = (
    "non-accidental",
    "disguised compliance",
    "threshold",
    "s47",
    "section 47",
    "ICPC",
    "RCPC",
    "core group",
    "strategy discussion",
    "significant harm",
)


def test_the_glossary_holds_the_words_families_found_hard(glossary):
    terms = {t.casefold() for t in JargonTerm.objects.values_list("term", flat=True)}
    assert {t.casefold() for t in GROWN} <= terms


def test_non_accidental_is_flagged(glossary):
    found = check_text("The bruise was thought to be non-accidental.", glossary)
    assert [f.text for f in found] == ["non-accidental"]


def test_reading_age_of_plain_and_hard_words():
    from conferences.plain_language import reading_age

    plain = (
        "We are worried that Ruby is left alone at night. Mum will make sure an adult is at "
        "home every night. The social worker will visit every week."
    )
    hard = (
        "Notwithstanding considerable multi-disciplinary intervention, parental "
        "acknowledgement of the cumulative developmental implications remains insufficient."
    )
    easy, difficult = reading_age(plain), reading_age(hard + " " + hard)
    assert easy is not None and easy.within_aim and easy.years <= 11
    assert difficult is not None and not difficult.within_aim
    assert reading_age("Too short to score.") is None
