"""Only Family Help teams are offered (and accepted) for Family Help: a contact decided Family
Help and a step-down; a step-up goes to a social care team. While an authority has marked no
team as Family Help, every team is offered, so nothing waits on the set-up."""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Team
from familyhelp.forms import StepDownForm, StepUpForm
from frontdoor.forms import DecisionForm
from frontdoor.services import contact_decide
from tests.accounts.factories import TeamFactory
from tests.frontdoor.helpers import contact_for
from tests.strategy.factories import london


def _choices(form, field):
    return set(form.fields[field].queryset)


@pytest.fixture
def early_help():
    return TeamFactory(name="Early Help West", family_help=True)


def test_only_family_help_teams_are_offered_once_marked(world, early_help):
    assert _choices(DecisionForm(), "family_help_team") == {early_help}
    assert _choices(StepDownForm(), "to_team") == {early_help}
    step_up = _choices(StepUpForm(), "to_team")
    assert early_help not in step_up
    assert {world.team, world.other_team} <= step_up


def test_every_team_is_offered_while_none_is_marked(world):
    assert not Team.objects.filter(family_help=True).exists()
    assert _choices(DecisionForm(), "family_help_team") == set(Team.objects.all())
    assert _choices(StepDownForm(), "to_team") == set(Team.objects.all())


def test_the_form_refuses_a_team_that_is_not_family_help(world, early_help):
    form = DecisionForm(
        data={
            "decision": "family_help",
            "reason": "Needs met by Family Help.",
            "family_help_team": world.other_team.pk,
        }
    )
    assert not form.is_valid()
    assert "family_help_team" in form.errors


def test_the_service_refuses_a_team_that_is_not_family_help(world, early_help):
    contact = contact_for(world.child, world.social_worker, received_at=london(2026, 11, 27, 16))
    with pytest.raises(ValidationError) as refused:
        contact_decide(
            contact=contact,
            user=world.team_manager,
            decision="family_help",
            reason="Needs met by Family Help.",
            family_help_team=world.other_team,
        )
    assert "not one" in str(refused.value)
    contact.refresh_from_db()
    assert not contact.decision  # nothing was kept
    contact_decide(
        contact=contact,
        user=world.team_manager,
        decision="family_help",
        reason="Needs met by Family Help.",
        family_help_team=early_help,
    )
    from familyhelp.models import FamilyHelpRequest

    assert FamilyHelpRequest.objects.get(contact=contact).to_team == early_help
