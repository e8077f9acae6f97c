"""A rule's sentence says the timescale in force when it is read, not the one in force when the
code was written: an administrator's change to the local policy shows at once."""

import datetime

import pytest
from django.urls import reverse

from monitoring.rules import RULES, RULES_BY_CODE
from monitoring.services import timescales_scan
from tests.conferences.factories import PlanFactory
from timescales.models import LocalPolicy


def _set_policy(**values) -> None:
    policy = LocalPolicy.current()
    for name, value in values.items():
        setattr(policy, name, value)
    policy.save()


def test_statutory_visit_sentence_follows_the_policy(db):
    rule = RULES_BY_CODE["STATUTORY_VISIT"]
    assert "at least every 10 working days (local)" in rule.sentence
    _set_policy(statutory_visit_working_days=15)
    assert "at least every 15 working days (local)" in rule.sentence
    assert "10 working days" not in rule.sentence


@pytest.mark.parametrize(
    ("code", "field", "value", "words"),
    [
        ("FIRST_CORE_GROUP", "first_core_group_working_days", 7, "within 7 working days of"),
        ("CORE_GROUP_INTERVAL", "core_group_interval_weeks", 1, "at most 1 week apart"),
        ("MANAGEMENT_OVERSIGHT", "oversight_weeks", 3, "at least every 3 weeks"),
        ("MINUTES_15", "minutes_working_days", 12, "within 12 working days"),
        ("IRO_CASELOAD", "iro_caseload_warning", 55, "at or below 55 children"),
        ("POST_BIRTH_REVIEW", "post_birth_review_working_days", 15, "within 15 working days"),
    ],
)
def test_every_local_rule_sentence_follows_the_policy(db, code, field, value, words):
    assert words not in RULES_BY_CODE[code].sentence
    _set_policy(**{field: value})
    assert words in RULES_BY_CODE[code].sentence


def test_national_sentences_name_their_timescales(db):
    assert "within 15 working days of the strategy discussion" in RULES_BY_CODE["ICPC_15"].sentence
    assert "within 1 working day of" in RULES_BY_CODE["REFERRAL_DECISION"].sentence
    assert "within 3 months of the ICPC" in RULES_BY_CODE["FIRST_REVIEW"].sentence
    assert "within 72 hours of returning" in RULES_BY_CODE["RETURN_INTERVIEW_72H"].sentence


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_every_sentence_is_filled_in(db, rule):
    assert "{" not in rule.sentence and "}" not in rule.sentence


def test_my_tasks_explains_the_rule_with_the_policy_in_force(world, login):
    PlanFactory(child=world.child, start_date=datetime.date(2026, 11, 2))
    timescales_scan(as_of=datetime.date(2026, 11, 30))
    _set_policy(statutory_visit_working_days=15)
    page = login(world.social_worker).get(reverse("monitoring:my-tasks")).content.decode()
    assert "Statutory visit" in page
    assert "at least every 15 working days (local)" in page
