"""The strategy discussion form (issue 23 item 2): participants as a compact table whose rows
can be removed, the chair from managers and the front door, no enquiry type asked again on a
discussion that continues an s47, the criminal investigation said only when recorded."""

import re

import pytest
from django.urls import reverse

from accounts.models import Role
from strategy.models import StrategyDiscussion
from tests.accounts.factories import make_user
from tests.cases.factories import ReferralFactory
from tests.strategy.factories import Section47Factory, StrategyDiscussionFactory, london
from tests.strategy.test_views import _discussion_post


@pytest.fixture
def referral(world):
    return ReferralFactory(child=world.child, received_at=london(2026, 11, 19, 9))


def test_a_prefilled_row_ticked_for_removal_is_removed(world, login, referral):
    """The pre-filled health row, emptied and ticked "Remove", does not stop the save."""
    data = _discussion_post(
        chair=str(world.team_manager.pk),
        missing_agency_reason="Health were not available; the GP will be asked tomorrow.",
        **{
            "participants-INITIAL_FORMS": "3",
            "participants-2-health_service": "",
            "participants-2-name": "",
            "participants-2-role": "",
            "participants-2-DELETE": "on",
        },
    )
    response = login(world.social_worker).post(
        reverse("strategy:discussion-add", args=[world.child.pk]), data
    )
    assert response.status_code == 302, re.findall(r"<li>.*?</li>", response.content.decode())
    discussion = StrategyDiscussion.objects.get(child=world.child)
    assert sorted(p.agency for p in discussion.participants.all()) == ["police", "social_care"]


def test_a_row_ticked_for_removal_raises_no_error_of_its_own(world, login, referral):
    """Refused for another reason (health took no part: say why), the page does not also say
    the removed row lacks a health service, as if ticking "Remove" had not worked."""
    data = _discussion_post(
        chair=str(world.team_manager.pk),
        **{
            "participants-INITIAL_FORMS": "3",
            "participants-2-health_service": "",
            "participants-2-DELETE": "on",
        },
    )
    response = login(world.social_worker).post(
        reverse("strategy:discussion-add", args=[world.child.pk]), data
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Say which health service took part" not in html
    assert "There is a problem" in html and "health" in html


def test_participants_are_a_table_agency_first(world, login, referral):
    page = login(world.social_worker).get(reverse("strategy:discussion-add", args=[world.child.pk]))
    html = page.content.decode()
    table = re.search(r'<table[^>]*id="participants-table".*?</table>', html, re.S)
    assert table, "participants are not a table"
    headers = re.findall(r"<th\b[^>]*>(.*?)</th>", table.group(0))
    assert headers[0] == "Agency" and "Remove" in headers
    assert 'name="participants-0-DELETE"' in table.group(0)


def test_chair_is_chosen_from_managers_and_the_front_door(world, login, referral):
    front_door = make_user(Role.SOCIAL_WORKER, username="mash1")
    front_door.job_title = "MASH social worker"
    front_door.save()
    form = (
        login(world.social_worker)
        .get(reverse("strategy:discussion-add", args=[world.child.pk]))
        .context["form"]
    )
    chairs = set(form.fields["chair"].queryset)
    assert world.team_manager in chairs
    assert world.social_worker not in chairs or world.social_worker == form.initial.get("chair")
    assert world.other_team_worker not in chairs
    assert world.iro not in chairs and world.business_support not in chairs


def test_a_discussion_continuing_an_s47_does_not_ask_the_enquiry_type(world, login, referral):
    discussion = StrategyDiscussionFactory(
        referral=referral, held_at=london(2026, 11, 19, 11), enquiry_type="joint"
    )
    enquiry = Section47Factory(strategy_discussion=discussion)
    client = login(world.social_worker)
    url = reverse("strategy:discussion-add", args=[world.child.pk]) + f"?enquiry={enquiry.pk}"
    form = client.get(url).context["form"]
    assert "enquiry_type" not in form.fields
    assert "s47_decision" not in form.fields
    data = _discussion_post(chair=str(world.team_manager.pk), held_at="2026-11-20T10:00")
    del data["enquiry_type"], data["s47_decision"]
    response = client.post(url, data)
    assert response.status_code == 302, re.findall(r"<li>.*?</li>", response.content.decode())
    later = StrategyDiscussion.objects.get(follows_enquiry=enquiry)
    assert later.s47_decision == "continue" and later.enquiry_type == "joint"


def test_criminal_investigation_line_only_when_recorded(world, login, referral):
    client = login(world.social_worker)
    without = StrategyDiscussionFactory(referral=referral, criminal_investigation=False)
    html = client.get(
        reverse("strategy:discussion-detail", args=[world.child.pk, without.pk])
    ).content.decode()
    assert "Criminal investigation" not in html
    with_ = StrategyDiscussionFactory(referral=referral, criminal_investigation=True)
    html = client.get(
        reverse("strategy:discussion-detail", args=[world.child.pk, with_.pk])
    ).content.decode()
    assert "A criminal investigation runs in parallel" in html
