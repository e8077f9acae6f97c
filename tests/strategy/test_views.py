import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from conferences.models import Conference
from strategy.models import Section47, StrategyDiscussion
from tests.cases.factories import ChildFactory, ReferralFactory
from tests.personas import PERSONAS
from tests.strategy.factories import (
    Section47Factory,
    StrategyDiscussionFactory,
    full_participation,
    london,
)

READERS = {"social_worker", "same_team_worker", "team_manager", "senior_manager"}
WRITERS = {"social_worker", "same_team_worker", "team_manager"}
ALL = PERSONAS


@pytest.fixture
def case(world):
    referral = ReferralFactory(child=world.child, received_at=london(2026, 11, 2, 9))
    discussion = StrategyDiscussionFactory(
        referral=referral, held_at=london(2026, 11, 3, 11), chair=world.social_worker
    )
    full_participation(discussion, health=None)
    enquiry = Section47Factory(strategy_discussion=discussion)
    return referral, discussion, enquiry


def _expected(persona, allowed):
    if persona == "anonymous":
        return 302
    return 200 if persona in allowed else 404


@pytest.mark.parametrize("persona", ALL)
@pytest.mark.parametrize(
    "name, args",
    [
        ("strategy:child", lambda c, d, e: [c.pk]),
        ("strategy:discussion-detail", lambda c, d, e: [c.pk, d.pk]),
        ("strategy:section47-detail", lambda c, d, e: [c.pk, e.pk]),
    ],
)
def test_strategy_pages_permission_matrix(world, case, login, persona, name, args):
    _, discussion, enquiry = case
    url = reverse(name, args=args(world.child, discussion, enquiry))
    response = login(world.persona(persona)).get(url)
    assert response.status_code == _expected(persona, READERS)


@pytest.mark.parametrize("persona", ALL)
@pytest.mark.parametrize(
    "name, args",
    [
        ("strategy:discussion-add", lambda c, d, e: [c.pk]),
        ("strategy:discussion-edit", lambda c, d, e: [c.pk, d.pk]),
        ("strategy:section47-edit", lambda c, d, e: [c.pk, e.pk]),
    ],
)
def test_strategy_forms_permission_matrix(world, case, login, persona, name, args):
    _, discussion, enquiry = case
    url = reverse(name, args=args(world.child, discussion, enquiry))
    response = login(world.persona(persona)).get(url)
    assert response.status_code == _expected(persona, WRITERS)


@pytest.mark.parametrize("persona", ALL)
def test_request_icpc_only_by_writers(world, case, login, persona):
    _, _, enquiry = case
    enquiry.child_seen_date = enquiry.start_date  # seen: a conference may be asked for
    enquiry.save()
    url = reverse("conferences:icpc-request", args=[world.child.pk, enquiry.pk])
    response = login(world.persona(persona)).post(url, {"confirm": "yes"})
    if persona in WRITERS:
        assert response.status_code == 302
        assert Conference.objects.filter(section47=enquiry).count() == 1
    else:
        assert response.status_code in (302, 404) if persona == "anonymous" else 404
        assert not Conference.objects.exists()


@pytest.mark.parametrize("persona", ALL)
def test_only_the_team_manager_agrees_icpc_not_required(world, case, login, persona):
    _, _, enquiry = case
    enquiry.outcome = "no_icpc"
    enquiry.outcome_rationale = "Risk is low and managed by a CIN plan."
    enquiry.save()
    url = reverse("strategy:section47-agree", args=[world.child.pk, enquiry.pk])
    response = login(world.persona(persona)).post(url)
    enquiry.refresh_from_db()
    if persona == "team_manager":
        assert response.status_code == 302
        assert enquiry.manager_agreed_by == world.team_manager
    else:
        assert response.status_code == (302 if persona == "anonymous" else 404)
        assert enquiry.manager_agreed_by is None


def _discussion_post(**overrides):
    data = {
        "held_at": "2026-11-20T10:30",
        "discussion_type": "meeting",
        "reason": "Child disclosed being hit with a belt; bruising seen by teacher.",
        "summary": "",
        "missing_agency_reason": "",
        "referrer_invited": "invited",
        "education_invited": "invited",
        "s47_decision": "start",
        "enquiry_type": "joint",
        "single_agency_reason": "",
        "abe_decision": "yes",
        "abe_declined_reason": "",
        "police_information_sharing": "Outcome of ABE interview and any charging decision.",
        "participants-TOTAL_FORMS": "3",
        "participants-INITIAL_FORMS": "0",
        "participants-0-agency": "social_care",
        "participants-0-name": "Sam Northfield",
        "participants-0-role": "Social worker",
        "participants-0-participation": "attended",
        "participants-1-agency": "police",
        "participants-1-name": "DC Example",
        "participants-1-role": "Public protection unit",
        "participants-1-participation": "attended",
        "participants-2-agency": "health",
        "participants-2-health_service": "paediatrician",
        "participants-2-name": "Dr Sample",
        "participants-2-role": "Community paediatrician",
        "participants-2-participation": "attended",
        "actions-TOTAL_FORMS": "1",
        "actions-INITIAL_FORMS": "0",
        "actions-0-action": "Child to stay with grandmother tonight",
        "actions-0-owner": "Social worker",
        "actions-0-due_date": "2026-11-20",
    }
    data.update(overrides)
    return data


def test_social_worker_path_referral_to_icpc_request(world, login):
    client = login(world.social_worker)
    child = world.child
    referral = ReferralFactory(child=child, received_at=london(2026, 11, 19, 9))
    data = _discussion_post(chair=str(world.team_manager.pk))
    response = client.post(reverse("strategy:discussion-add", args=[child.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    discussion = StrategyDiscussion.objects.get(child=child)
    assert discussion.referral == referral
    assert discussion.participants.count() == 3
    assert discussion.safety_actions.count() == 1
    enquiry = Section47.objects.get(child=child)
    assert enquiry.start_date == datetime.date(2026, 11, 20)
    # Friday 20 Nov 2026 + 15 working days (no bank holidays) = Friday 11 Dec 2026.
    assert enquiry.icpc_target_date == datetime.date(2026, 12, 11)
    page = client.get(reverse("strategy:discussion-detail", args=[child.pk, discussion.pk]))
    assert "Compliant: children&#x27;s social care, police and health took part." in (
        page.content.decode()
    )
    response = client.post(
        reverse("strategy:section47-edit", args=[child.pk, enquiry.pk]),
        {
            "version": enquiry.version,
            "child_seen_date": "2026-11-20",
            "child_seen_alone": "on",
            "interim_safety_plan": "",
            "outcome": "",
            "outcome_rationale": "",
            "completion_date": "",
        },
    )
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.child_seen_alone
    url = reverse("conferences:icpc-request", args=[child.pk, enquiry.pk])
    # Asked to confirm first; then the conference is requested.
    assert client.post(url).status_code == 200
    assert not Conference.objects.filter(child=child).exists()
    response = client.post(url, {"confirm": "yes"}, follow=True)
    assert "must be held by Friday 11 Dec 2026" in response.content.decode()
    conference = Conference.objects.get(child=child)
    assert conference.target_date == datetime.date(2026, 12, 11)


def test_discussion_without_health_shows_non_compliance(world, case, login):
    _, discussion, _ = case
    page = login(world.social_worker).get(
        reverse("strategy:discussion-detail", args=[world.child.pk, discussion.pk])
    )
    assert "Not compliant with statutory guidance: health did not take part." in (
        page.content.decode()
    )


def test_discussion_add_refuses_future_date_with_message(world, login):
    ReferralFactory(child=world.child, received_at=london(2026, 11, 19, 9))
    future = (timezone.localtime() + datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = login(world.social_worker).post(
        reverse("strategy:discussion-add", args=[world.child.pk]),
        _discussion_post(chair=str(world.team_manager.pk), held_at=future),
    )
    assert response.status_code == 200
    assert "cannot be recorded in the future" in response.content.decode()
    assert not StrategyDiscussion.objects.exists()


def test_discussion_add_needs_an_open_referral(world, login):
    response = login(world.social_worker).get(
        reverse("strategy:discussion-add", args=[world.child.pk]), follow=True
    )
    assert "Record the referral first" in response.content.decode()


def test_siblings_discussed_together_each_get_a_record(world, login):
    sibling = ChildFactory(
        last_name=world.child.last_name,
        allocated_team=world.team,
        allocated_worker=world.social_worker,
    )
    ReferralFactory(child=world.child, received_at=london(2026, 11, 19, 9))
    ReferralFactory(child=sibling, received_at=london(2026, 11, 19, 9))
    data = _discussion_post(chair=str(world.team_manager.pk), siblings=[str(sibling.pk)])
    response = login(world.social_worker).post(
        reverse("strategy:discussion-add", args=[world.child.pk]), data
    )
    assert response.status_code == 302
    records = StrategyDiscussion.objects.order_by("child_id")
    assert {r.child_id for r in records} == {world.child.pk, sibling.pk}
    assert len({r.sibling_group for r in records}) == 1
    assert Section47.objects.filter(child=sibling).exists()
    assert all(r.participants.count() == 3 for r in records)


def test_later_discussion_links_to_enquiry_and_keeps_target(world, case, login):
    _, _, enquiry = case
    target = enquiry.icpc_target_date
    data = _discussion_post(
        chair=str(world.team_manager.pk), held_at="2026-11-10T10:00", s47_decision="continue"
    )
    response = login(world.social_worker).post(
        reverse("strategy:discussion-add", args=[world.child.pk]) + f"?enquiry={enquiry.pk}", data
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    later = StrategyDiscussion.objects.get(follows_enquiry=enquiry)
    enquiry.refresh_from_db()
    assert enquiry.icpc_target_date == target
    assert Section47.objects.filter(child=world.child).count() == 1
    assert later.held_date == datetime.date(2026, 11, 10)


def test_icpc_not_required_without_rationale_refused_on_form(world, case, login):
    _, _, enquiry = case
    response = login(world.social_worker).post(
        reverse("strategy:section47-edit", args=[world.child.pk, enquiry.pk]),
        {"version": enquiry.version, "outcome": "no_icpc", "outcome_rationale": ""},
    )
    assert response.status_code == 200
    assert "Record the rationale" in response.content.decode()
    enquiry.refresh_from_db()
    assert enquiry.outcome == ""


def test_stale_section47_edit_is_refused(world, case, login):
    _, _, enquiry = case
    old_version = enquiry.version
    enquiry.child_seen_date = datetime.date(2026, 11, 4)
    enquiry.version += 1
    enquiry.save()
    response = login(world.social_worker).post(
        reverse("strategy:section47-edit", args=[world.child.pk, enquiry.pk]),
        {"version": old_version, "child_seen_date": "2026-11-05"},
    )
    assert "Someone else saved this record" in response.content.decode()
    enquiry.refresh_from_db()
    assert enquiry.child_seen_date == datetime.date(2026, 11, 4)


def test_lists_show_compliance_days_left_and_rationale(world, case, login):
    _, discussion, enquiry = case
    client = login(world.team_manager)
    listing = client.get(
        reverse("strategy:discussion-list"), {"date_from": "2026-11-01", "date_to": "2026-11-30"}
    ).content.decode()
    assert world.child.full_name in listing
    assert "1 strategy discussion held" in listing
    assert "health took part in 0, police in 1" in listing
    open_list = client.get(reverse("strategy:open-enquiries")).content.decode()
    assert world.child.full_name in open_list
    enquiry.outcome = "unsubstantiated"
    enquiry.outcome_rationale = "Injury explained by a documented sports accident."
    enquiry.completion_date = datetime.date(2026, 11, 10)
    enquiry.save()
    ended = client.get(reverse("strategy:ended-without-icpc")).content.decode()
    assert "Injury explained by a documented sports accident." in ended
    assert (
        world.child.full_name not in client.get(reverse("strategy:open-enquiries")).content.decode()
    )


def test_lists_hide_other_teams_children(world, case, login):
    client = login(world.other_team_worker)
    for name in ("strategy:discussion-list", "strategy:open-enquiries"):
        content = client.get(
            reverse(name), {"date_from": "2026-11-01", "date_to": "2026-11-30"}
        ).content.decode()
        assert world.child.full_name not in content


def test_list_query_counts_do_not_grow(world, login, django_assert_max_num_queries):
    for _ in range(25):
        child = ChildFactory(allocated_team=world.team, allocated_worker=world.social_worker)
        referral = ReferralFactory(child=child, received_at=london(2026, 11, 2, 9))
        discussion = StrategyDiscussionFactory(referral=referral, held_at=london(2026, 11, 3))
        full_participation(discussion)
        Section47Factory(strategy_discussion=discussion)
    client = login(world.team_manager)
    for name in (
        "strategy:discussion-list",
        "strategy:open-enquiries",
        "strategy:ended-without-icpc",
    ):
        with django_assert_max_num_queries(12):
            response = client.get(
                reverse(name), {"date_from": "2026-11-01", "date_to": "2026-11-30"}
            )
        assert response.status_code == 200


def test_discussion_where_an_agency_did_not_take_part_needs_the_reason(world, login):
    """The form says the reason is required when an agency did not take part: police invited,
    did not take part, and no reason given is refused with the message on the form."""
    ReferralFactory(child=world.child, received_at=london(2026, 11, 19, 9))
    data = _discussion_post(
        chair=str(world.team_manager.pk), **{"participants-1-participation": "absent"}
    )
    url = reverse("strategy:discussion-add", args=[world.child.pk])
    client = login(world.social_worker)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Say why police did not take part" in response.content.decode()
    assert not StrategyDiscussion.objects.filter(child=world.child).exists()
    data["missing_agency_reason"] = "The public protection unit had no officer free."
    assert client.post(url, data).status_code == 302
    assert StrategyDiscussion.objects.get(child=world.child).missing_agency_reason


def test_discussion_without_health_listed_needs_the_reason(world, login):
    ReferralFactory(child=world.child, received_at=london(2026, 11, 19, 9))
    data = _discussion_post(chair=str(world.team_manager.pk), **{"participants-TOTAL_FORMS": "2"})
    data = {k: v for k, v in data.items() if not k.startswith("participants-2-")}
    response = login(world.social_worker).post(
        reverse("strategy:discussion-add", args=[world.child.pk]), data
    )
    assert response.status_code == 200
    assert "Say why health did not take part" in response.content.decode()


def _set_birth(child, born):
    child.date_of_birth = born
    child.save(update_fields=["date_of_birth"])


def test_referrer_and_school_invited_or_not_are_required_and_shown(world, login):
    """Held Fri 20 Nov 2026. A child born 21 Nov 2010 is 15 (school age): the form asks whether
    the school was invited, and whether the referrer was."""
    _set_birth(world.child, datetime.date(2010, 11, 21))
    ReferralFactory(child=world.child, received_at=london(2026, 11, 19, 9), source="2A")
    url = reverse("strategy:discussion-add", args=[world.child.pk])
    client = login(world.social_worker)
    data = _discussion_post(chair=str(world.team_manager.pk))
    data.update(referrer_invited="", education_invited="")
    page = client.post(url, data).content.decode()
    assert "Say whether the referring agency was invited." in page
    assert "The child is of school age: say whether their school or college was invited." in page
    assert not StrategyDiscussion.objects.filter(child=world.child).exists()
    data.update(referrer_invited="invited", education_invited="not_invited")
    assert client.post(url, data).status_code == 302
    discussion = StrategyDiscussion.objects.get(child=world.child)
    assert (discussion.referrer_invited, discussion.education_invited) == ("invited", "not_invited")
    detail = client.get(reverse("strategy:discussion-detail", args=[world.child.pk, discussion.pk]))
    text = detail.content.decode()
    assert "2A Schools" in text and ": invited</dd>" in text
    assert 'School, college or nursery</dt><dd class="col-sm-9">Not invited' in text


def test_school_is_not_required_for_a_child_who_turned_16(world, login):
    # Born 20 Nov 2010: 16 on the day of the discussion, Fri 20 Nov 2026.
    _set_birth(world.child, datetime.date(2010, 11, 20))
    ReferralFactory(child=world.child, received_at=london(2026, 11, 19, 9))
    data = _discussion_post(chair=str(world.team_manager.pk), education_invited="")
    response = login(world.social_worker).post(
        reverse("strategy:discussion-add", args=[world.child.pk]), data
    )
    assert response.status_code == 302
    assert StrategyDiscussion.objects.get(child=world.child).education_invited == ""


def test_health_that_sent_information_only_is_shown_as_such(world, login):
    ReferralFactory(child=world.child, received_at=london(2026, 11, 19, 9))
    data = _discussion_post(
        chair=str(world.team_manager.pk), **{"participants-2-participation": "information"}
    )
    client = login(world.social_worker)
    assert (
        client.post(reverse("strategy:discussion-add", args=[world.child.pk]), data).status_code
        == 302
    )
    discussion = StrategyDiscussion.objects.get(child=world.child)
    assert discussion.participants.get(agency="health").participation == "information"
    page = client.get(reverse("strategy:discussion-detail", args=[world.child.pk, discussion.pk]))
    text = page.content.decode()
    assert "(health by sending information only)" in text
    assert "Sent information only" in text
