"""An edit that does not say which version of the record it started from is refused.

Without this, leaving `version` out of a POST skipped the edit lock and saved over a newer
edit by someone else. Each case edits an existing record of one type, posting valid data
without `version`; the record must be unchanged and the page must say why, keeping what the
user typed.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import CaseNote
from tests.cases.factories import (
    CaseNoteFactory,
    FamilyMemberFactory,
    ProfessionalFactory,
    ReferralFactory,
    ServiceReferralFactory,
    VisitFactory,
)
from tests.cases.test_child import _child_post
from tests.cases.test_family import member_data, professional_data
from tests.cases.test_notes import correction_data
from tests.cases.test_services import service_data
from tests.cases.test_visits import visit_data
from tests.conferences.diary_helpers import days_ago, icpc_for
from tests.conferences.factories import ActionFactory, OutcomeFactory, hold
from tests.conferences.test_plan_views import action_data, days, make_plan
from tests.strategy.factories import Section47Factory, StrategyDiscussionFactory, london
from tests.strategy.test_views import _discussion_post

MESSAGE = "did not say which version of the record you started from"
TYPED = "Typed by me, not saved"


def _child(world):
    child = world.child
    data = _child_post(
        first_name=child.first_name,
        last_name=child.last_name,
        date_of_birth=child.date_of_birth.isoformat(),
        known_as=TYPED,
    )
    return (
        world.social_worker,
        reverse("cases:child-edit", args=[child.pk]),
        data,
        child,
        "known_as",
    )


def _family_member(world):
    member = FamilyMemberFactory(child=world.child)
    url = reverse("cases:family-edit", args=[world.child.pk, member.pk])
    return world.social_worker, url, member_data(notes=TYPED), member, "notes"


def _professional(world):
    professional = ProfessionalFactory(child=world.child)
    url = reverse("cases:professional-edit", args=[world.child.pk, professional.pk])
    return world.social_worker, url, professional_data(role=TYPED), professional, "role"


def _visit(world):
    visit = VisitFactory(
        child=world.child,
        visit_date=timezone.localdate() - datetime.timedelta(days=3),
        recorded_by=world.social_worker,
    )
    url = reverse("cases:visit-edit", args=[world.child.pk, visit.pk])
    return world.social_worker, url, visit_data(observations=TYPED), visit, "observations"


def _note_correction(world):
    note = CaseNoteFactory(
        child=world.child,
        author=world.social_worker,
        event_date=timezone.localdate() - datetime.timedelta(days=2),
    )
    data = correction_data(CaseNote.objects.get(pk=note.pk), text=TYPED)
    del data["version"]
    url = reverse("cases:note-correct", args=[world.child.pk, note.pk])
    return world.social_worker, url, data, note, "text"


def _service_referral(world):
    service = ServiceReferralFactory(child=world.child, date_referred=days_ago(40))
    data = service_data(date_referred=service.date_referred.isoformat(), notes=TYPED)
    url = reverse("cases:service-edit", args=[world.child.pk, service.pk])
    return world.social_worker, url, data, service, "notes"


def _referral(world):
    referral = ReferralFactory(child=world.child)
    data = {
        "received_at": "2026-10-01T11:30",
        "source": "2A",
        "referrer_name": TYPED,
        "reason": referral.reason,
        "primary_need": "N1",
    }
    url = reverse("cases:referral-edit", args=[world.child.pk, referral.pk])
    return world.social_worker, url, data, referral, "referrer_name"


def _plan_action(world):
    plan = make_plan(world.child, chair=world.iro)
    outcome = OutcomeFactory(plan=plan, what_needs_to_change="Ruby gets to school on time.")
    action = ActionFactory(outcome=outcome, owner="Mum", timescale=days(14))
    url = reverse("conferences:action-edit", args=[world.child.pk, plan.pk, action.pk])
    return world.social_worker, url, action_data(owner=TYPED), action, "owner"


def _minutes(world):
    conference = icpc_for(world.child, strategy_on=days_ago(30))
    held = hold(conference, chair=world.iro, held_on=days_ago(2), minutes="Draft minutes.")
    url = reverse("conferences:outcome", args=[held.pk])
    return world.iro, url, {"minutes": TYPED}, held, "minutes"


def _strategy_case(world):
    referral = ReferralFactory(child=world.child, received_at=london(2026, 11, 2, 9))
    return StrategyDiscussionFactory(
        referral=referral, held_at=london(2026, 11, 3, 11), chair=world.social_worker
    )


def _section47(world):
    enquiry = Section47Factory(strategy_discussion=_strategy_case(world))
    url = reverse("strategy:section47-edit", args=[world.child.pk, enquiry.pk])
    data = {"child_seen_date": "2026-11-05", "interim_safety_plan": TYPED}
    return world.social_worker, url, data, enquiry, "interim_safety_plan"


def _strategy_discussion(world):
    discussion = _strategy_case(world)
    data = _discussion_post(chair=str(world.team_manager.pk), reason=TYPED)
    url = reverse("strategy:discussion-edit", args=[world.child.pk, discussion.pk])
    return world.social_worker, url, data, discussion, "reason"


def _allocation(world):
    data = {
        "team": world.team.pk,
        "worker": world.same_team_worker.pk,
        "start_date": timezone.localdate().isoformat(),
        "reason": TYPED,
    }
    url = reverse("cases:allocation", args=[world.child.pk])
    return world.team_manager, url, data, world.child, "allocated_worker_id"


def _referral_decision(world):
    referral = ReferralFactory(child=world.child)
    url = reverse("cases:referral-decide", args=[world.child.pk, referral.pk])
    data = {"decision": "assessment", "reason": TYPED}
    return world.team_manager, url, data, referral, "decision"


EDITS = [
    _child,
    _family_member,
    _professional,
    _visit,
    _note_correction,
    _service_referral,
    _referral,
    _plan_action,
    _minutes,
    _section47,
    _strategy_discussion,
    _allocation,
    _referral_decision,
]


@pytest.mark.parametrize("edit", EDITS, ids=lambda f: f.__name__.strip("_"))
def test_an_edit_without_the_version_is_refused_and_nothing_changes(world, login, edit):
    user, url, data, record, field = edit(world)
    record.refresh_from_db()
    before = (getattr(record, field), record.version)
    assert "version" not in data
    response = login(user).post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert MESSAGE in page
    record.refresh_from_db()
    assert (getattr(record, field), record.version) == before
    assert TYPED in page  # what the user typed is still on the form
