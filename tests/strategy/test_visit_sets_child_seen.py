"""A section 47 visit where the child was seen marks the enquiry "child seen"; requesting an ICPC
asks for confirmation and is refused while the child has not been seen, unless a manager
records why.

Hand-worked dates: strategy discussion (and the enquiry's start) Wednesday 22 August 2018; the
ICPC is due by Thursday 13 September 2018 (27 August a bank holiday).
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.models import Visit
from cases.services import visit_record
from conferences import services as conference_services
from conferences.models import Conference
from strategy.models import Section47
from tests.cases.factories import ReferralFactory
from tests.strategy.factories import Section47Factory, StrategyDiscussionFactory, london

D = datetime.date


@pytest.fixture
def enquiry(world):
    referral = ReferralFactory(child=world.child, received_at=london(2018, 8, 21))
    discussion = StrategyDiscussionFactory(referral=referral, held_at=london(2018, 8, 22, 14))
    return Section47Factory(strategy_discussion=discussion)


def _visit(child, on, *, visit_type="s47", seen=True, alone=False):
    return Visit(
        child=child,
        visit_date=on,
        visit_type=visit_type,
        child_seen=seen,
        seen_alone=alone,
        reason_not_seen="" if seen else "Nobody was at home.",
    )


def test_a_section_47_visit_where_the_child_was_seen_marks_the_enquiry(world, enquiry):
    visit_record(visit=_visit(world.child, D(2018, 8, 24), alone=True), user=world.social_worker)
    enquiry.refresh_from_db()
    assert enquiry.child_seen_date == D(2018, 8, 24)
    assert enquiry.child_seen_alone is True


def test_the_visit_form_marks_the_enquiry(world, enquiry, login):
    response = login(world.social_worker).post(
        reverse("cases:visit-add", args=[world.child.pk]),
        {
            "visit_date": "2018-08-28",  # the Tuesday after the bank holiday
            "visit_type": "s47",
            "child_seen": "on",
            "childs_words": "Mum shouts when she is tired.",
        },
    )
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.child_seen_date == D(2018, 8, 28)
    assert enquiry.child_seen_alone is False
    page = login(world.social_worker).get(
        reverse("strategy:section47-detail", args=[world.child.pk, enquiry.pk])
    )
    assert "28 Aug 2018, not seen alone" in page.content.decode()


def test_the_earliest_visit_is_the_date_seen(world, enquiry):
    visit_record(visit=_visit(world.child, D(2018, 8, 30)), user=world.social_worker)
    visit_record(visit=_visit(world.child, D(2018, 8, 23)), user=world.social_worker)
    visit_record(visit=_visit(world.child, D(2018, 9, 3), alone=True), user=world.social_worker)
    enquiry.refresh_from_db()
    assert enquiry.child_seen_date == D(2018, 8, 23)
    assert enquiry.child_seen_alone is True


@pytest.mark.parametrize(
    "visit",
    [
        {"visit_type": "statutory_cp"},  # not a section 47 visit
        {"seen": False},  # the child was not seen
    ],
)
def test_other_visits_leave_the_enquiry_alone(world, enquiry, visit):
    visit_record(visit=_visit(world.child, D(2018, 8, 24), **visit), user=world.social_worker)
    enquiry.refresh_from_db()
    assert enquiry.child_seen_date is None


def test_a_visit_before_the_enquiry_started_is_not_its_visit(world, enquiry):
    visit_record(visit=_visit(world.child, D(2018, 8, 21)), user=world.social_worker)
    enquiry.refresh_from_db()
    assert enquiry.child_seen_date is None


def test_the_change_to_the_enquiry_is_audited(world, enquiry):
    from auditlog.models import LogEntry

    visit_record(visit=_visit(world.child, D(2018, 8, 24)), user=world.social_worker)
    entry = LogEntry.objects.get_for_object(Section47.objects.get(pk=enquiry.pk)).first()
    assert entry.actor == world.social_worker
    assert "child_seen_date" in entry.changes_dict


# --- Requesting the ICPC -----------------------------------------------------------------------


def test_the_request_is_refused_while_the_child_has_not_been_seen(world, enquiry):
    with pytest.raises(ValidationError, match="has not been seen"):
        conference_services.icpc_request(enquiry=enquiry, user=world.social_worker)
    assert not Conference.objects.exists()


def test_a_manager_records_why_it_cannot_wait(world, enquiry, login):
    url = reverse("strategy:section47-icpc-before-seen", args=[world.child.pk, enquiry.pk])
    assert login(world.social_worker).post(url, {"reason": "x"}).status_code == 404
    client = login(world.team_manager)
    client.post(url, {"reason": "   "})
    enquiry.refresh_from_db()
    assert enquiry.unseen_icpc_agreed_by is None
    client.post(url, {"reason": "The family have moved away; police are looking for them."})
    enquiry.refresh_from_db()
    assert enquiry.unseen_icpc_agreed_by == world.team_manager
    conference = conference_services.icpc_request(enquiry=enquiry, user=world.social_worker)
    assert conference.target_date == D(2018, 9, 13)


def test_requesting_asks_for_confirmation_first(world, enquiry, login):
    Section47.objects.filter(pk=enquiry.pk).update(child_seen_date=D(2018, 8, 23))
    client = login(world.social_worker)
    url = reverse("conferences:icpc-request", args=[world.child.pk, enquiry.pk])
    response = client.post(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert "13 Sep 2018" in content
    assert "Yes, request the conference" in content
    assert not Conference.objects.exists()
    response = client.post(url, {"confirm": "yes"})
    assert response.status_code == 302
    assert Conference.objects.get().target_date == D(2018, 9, 13)


def test_the_confirmation_says_the_child_must_be_seen(world, enquiry, login):
    client = login(world.social_worker)
    url = reverse("conferences:icpc-request", args=[world.child.pk, enquiry.pk])
    content = client.post(url).content.decode()
    assert "has not been seen for this enquiry" in content
    assert "Yes, request the conference" not in content
    client.post(url, {"confirm": "yes"})
    assert not Conference.objects.exists()
