import pytest

from strategy.models import Compliance, StrategyDiscussion
from tests.strategy.factories import StrategyDiscussionFactory, full_participation


@pytest.mark.parametrize(
    "health, police, compliant, missing",
    [
        ("attended", "attended", True, []),
        ("information", "attended", True, []),
        ("absent", "attended", False, ["health"]),
        (None, "attended", False, ["health"]),
        ("attended", None, False, ["police"]),
        ("attended", "absent", False, ["police"]),
        (None, None, False, ["police", "health"]),
    ],
)
def test_strategy_compliance_needs_social_care_police_and_health(
    db, health, police, compliant, missing
):
    discussion = StrategyDiscussionFactory()
    full_participation(discussion, health=health, police=police)
    compliance = Compliance.of(list(discussion.participants.all()))
    assert compliance.compliant is compliant
    assert compliance.missing == missing
    annotated = StrategyDiscussion.objects.with_participation().get(pk=discussion.pk)
    assert annotated.has_health is (health in ("attended", "information"))
    assert annotated.has_police is (police in ("attended", "information"))


def test_health_by_information_only_is_compliant_and_says_so(db):
    discussion = StrategyDiscussionFactory()
    full_participation(discussion, health="information")
    compliance = Compliance.of(list(discussion.participants.all()))
    assert compliance.compliant
    assert "health by sending information only" in compliance.message


def test_no_health_message_names_statutory_guidance(db):
    discussion = StrategyDiscussionFactory()
    full_participation(discussion, health=None)
    message = Compliance.of(list(discussion.participants.all())).message
    assert message.startswith("Not compliant with statutory guidance")
    assert "health" in message
