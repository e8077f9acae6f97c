"""Every URL in the project, for every role: generated from the URL configuration.

Each named URL must have a rule below saying which personas may GET it. A new view without a
rule fails `test_every_url_has_a_rule`, so nobody can add a page without deciding who may see it.
A record the user may not see answers 404; anonymous users are sent to sign in (302), except on
the few public pages. POST-only actions answer 405 to a GET from anyone signed in.
"""

import datetime
from typing import cast

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cases.family_people import link_family
from cases.models import ManualChronologyEntry, PreviousPlanElsewhere, ProtectiveOrder, Referral
from conferences.models import ConferenceParticipant, CoreGroupMeeting, FeedbackInvitation
from monitoring.models import Alert
from people.models import PersonMerge
from tests.cases.factories import (
    AssessmentFactory,
    CaseNoteFactory,
    CINPlanFactory,
    FamilyMemberFactory,
    MissingEpisodeFactory,
    ProfessionalFactory,
    ReferralFactory,
    ServiceReferralFactory,
    VisitFactory,
)
from tests.conferences.factories import ActionFactory, ConferenceFactory, hold
from tests.personas import PERSONAS
from tests.strategy.factories import Section47Factory, StrategyDiscussionFactory, london

# Who may GET, by rule. Personas: see tests/conftest.py; "iro" chairs the child's conferences.
ALL_STAFF = set(PERSONAS) - {"anonymous"}
CHILD_READERS = {"social_worker", "same_team_worker", "team_manager", "iro", "senior_manager"}
CHILD_WRITERS = {"social_worker", "same_team_worker", "team_manager"}
PLAN_WRITERS = CHILD_WRITERS | {"iro"}
CONFERENCE_READERS = CHILD_READERS | {"business_support"}
MANAGER = {"team_manager"}
MANAGERS_AND_SENIOR = {"team_manager", "other_manager", "senior_manager"}
WORKERS = ALL_STAFF - {"business_support", "administrator"}

RULES: dict[str, set[str] | str] = {
    # Public pages.
    "accounts:login": "public",
    "conferences:feedback-public": "public",
    # Any signed-in user: their own account, home, lists scoped to what they may see.
    "home": ALL_STAFF,
    "accounts:password-change": ALL_STAFF,
    "accounts:keepalive": "keepalive",
    "accounts:otp-setup": "otp",
    "accounts:otp-verify": "otp",
    "accounts:logout": "logout",
    "cases:child-list": ALL_STAFF,
    "strategy:discussion-list": ALL_STAFF,
    "strategy:open-enquiries": ALL_STAFF,
    "strategy:ended-without-icpc": ALL_STAFF,
    "monitoring:my-tasks": ALL_STAFF,
    "cases:child-create": "child-create",
    # The front door: lists of the contacts of children the user may open.
    "frontdoor:contact-list": ALL_STAFF,
    "frontdoor:contact-start": ALL_STAFF,
    "frontdoor:child-contacts": CHILD_READERS,
    "frontdoor:contact-detail": CHILD_READERS,
    "frontdoor:contact-add": CHILD_WRITERS,
    "frontdoor:contact-acknowledge": CHILD_WRITERS,
    "frontdoor:contact-outcome": CHILD_WRITERS,
    "frontdoor:check-add": CHILD_WRITERS,
    "frontdoor:check-respond": CHILD_WRITERS,
    # A manager of the child's team, or a front-door worker (none of the personas).
    "frontdoor:contact-decide": MANAGER,
    # The child's record.
    "cases:child-detail": CHILD_READERS,
    "cases:family": CHILD_READERS,
    "cases:genogram": CHILD_READERS,
    "cases:family-view": CHILD_READERS,
    "cases:family-chronology": CHILD_READERS,
    # A person is seen through the children they are related to (the scene's child's mother).
    "people:person-detail": CHILD_READERS,
    # Lists only the pairs whose people the user may see.
    "people:possible-same": ALL_STAFF,
    # "Known to us?": any worker searches every team's records (what each result shows is
    # tested in tests/people/test_known_to_us.py); opening a record with a reason is for a
    # worker outside the child's work (those who may open it already are sent to it).
    "people:search": WORKERS,
    "cases:open-with-reason": "open-with-reason",
    # The data officer's list (the people.review_duplicates permission), none of the personas.
    "people:duplicates": set(),
    # Merging two people: a manager who may see both (the scene's child and its mother).
    "people:merge": {"team_manager", "senior_manager"},
    "people:merge-detail": {"team_manager", "senior_manager"},
    "people:merge-reverse": "post-only",
    "cases:referrals": CHILD_READERS,
    "cases:referral-detail": CHILD_READERS,
    "cases:allocation": CHILD_READERS,
    "cases:visits": CHILD_READERS,
    "cases:missing": CHILD_READERS,
    "cases:notes": CHILD_READERS,
    "cases:note-detail": CHILD_READERS,
    "cases:chronology": CHILD_READERS,
    "cases:chronology-print": CHILD_READERS,
    "cases:chronology-entry": CHILD_READERS,
    "cases:oversight": CHILD_READERS,
    "cases:services": CHILD_READERS,
    "cases:cin-plans": CHILD_READERS,
    "cases:previous-plans": CHILD_READERS,
    "cases:protective-orders": CHILD_READERS,
    "strategy:child": CHILD_READERS,
    "strategy:discussion-detail": CHILD_READERS,
    "strategy:section47-detail": CHILD_READERS,
    "conferences:child-plan": CHILD_READERS,
    "conferences:plan-detail": CHILD_READERS,
    "conferences:plan-versions": CHILD_READERS,
    "conferences:family-plan": CHILD_READERS,
    "conferences:family-plan-print": CHILD_READERS,
    "conferences:family-plan-pdf": CHILD_READERS,
    "conferences:core-groups": CHILD_READERS,
    # Changing the child's record.
    "cases:child-edit": CHILD_WRITERS,
    "cases:family-add": CHILD_WRITERS,
    "cases:household-move": CHILD_WRITERS,
    "cases:involvement-edit": CHILD_WRITERS,
    "cases:person-names-edit": CHILD_WRITERS,
    "cases:relationship-edit": CHILD_WRITERS,
    "cases:family-edit": CHILD_WRITERS,
    "cases:professional-add": CHILD_WRITERS,
    "cases:professional-edit": CHILD_WRITERS,
    "cases:referral-add": "redirect-writers",  # an episode is open: writers are sent to it
    "cases:referral-edit": CHILD_WRITERS,
    "cases:referral-close": CHILD_WRITERS,
    "cases:assessment-add": CHILD_WRITERS,
    "cases:assessment-edit": CHILD_WRITERS,
    "cases:visit-add": CHILD_WRITERS,
    "cases:visit-edit": CHILD_WRITERS,
    "cases:missing-add": CHILD_WRITERS,
    "cases:missing-edit": CHILD_WRITERS,
    "cases:child-birth": CHILD_WRITERS,
    "cases:note-add": CHILD_WRITERS,
    "cases:note-correct": CHILD_WRITERS,
    "cases:service-add": CHILD_WRITERS,
    "cases:service-edit": CHILD_WRITERS,
    "cases:cin-plan-add": CHILD_WRITERS,
    "cases:previous-plan-add": CHILD_WRITERS,
    "cases:previous-plan-edit": CHILD_WRITERS,
    "cases:protective-order-add": CHILD_WRITERS,
    "cases:protective-order-edit": CHILD_WRITERS,
    "cases:cin-plan-edit": CHILD_WRITERS,
    "cases:cin-plan-end": CHILD_WRITERS,
    "cases:chronology-describe": "post-only",
    "cases:chronology-add": CHILD_WRITERS,
    # Only the author of a manual entry (the scene's social worker) changes it.
    "cases:chronology-entry-edit": {"social_worker"},
    "strategy:discussion-add": CHILD_WRITERS,
    "strategy:discussion-edit": CHILD_WRITERS,
    "strategy:section47-edit": CHILD_WRITERS,
    "conferences:icpc-request": "post-only",
    "conferences:plan-edit": PLAN_WRITERS,
    "conferences:family-plan-words": PLAN_WRITERS,
    "conferences:outcome-add": PLAN_WRITERS,
    "conferences:outcome-edit": PLAN_WRITERS,
    "conferences:action-add": PLAN_WRITERS,
    "conferences:action-edit": PLAN_WRITERS,
    "conferences:core-group-add": PLAN_WRITERS,
    # Facts about the child's life the worker learns, not a conference's decision.
    "conferences:plan-end": CHILD_WRITERS,
    "conferences:transfer-out": CHILD_WRITERS,
    "conferences:transfer-in": CHILD_WRITERS,
    # Family Help: under the child, and the receiving team's list (scoped to what it may see).
    "familyhelp:waiting": ALL_STAFF,
    "familyhelp:child": CHILD_READERS,
    "familyhelp:assessment-add": CHILD_WRITERS,
    "familyhelp:assessment-edit": CHILD_WRITERS,
    "familyhelp:plan-add": CHILD_WRITERS,
    "familyhelp:plan-edit": CHILD_WRITERS,
    "familyhelp:review-add": CHILD_WRITERS,
    "familyhelp:step-up": CHILD_WRITERS,
    # The manager of the child's team agrees a step-down; the receiving team's manager accepts.
    "familyhelp:step-down": MANAGER,
    "familyhelp:step-down-accept": MANAGER,
    "familyhelp:step-up-accept": MANAGER,
    "familyhelp:request-accept": MANAGER,
    # Manager decisions on the record.
    "cases:referral-decide": "decided",  # already decided: the manager is sent to it
    "cases:assessment-authorise": MANAGER,
    "cases:oversight-add": MANAGER,
    "cases:child-restriction": MANAGER,
    "strategy:section47-agree": "post-only",
    "cases:caseloads": {"team_manager", "other_manager", "senior_manager"},
    "audit:child-access-log": {"team_manager", "senior_manager"},
    # Conferences.
    "conferences:diary": CONFERENCE_READERS
    | {"same_team_worker", "other_team_worker", "other_manager", "other_iro"},
    "conferences:detail": CONFERENCE_READERS,
    "conferences:schedule": {"business_support"},
    "conferences:cancel": {"business_support"},
    "conferences:group": {"business_support"},
    "conferences:group-remove": "post-only",
    "conferences:reports-shared": {"business_support"},
    "conferences:participants": {"business_support", "iro"},
    "conferences:letters": {"business_support", "iro"},
    "conferences:outcome": {"iro"},
    "conferences:minutes-approve": "post-only",
    "conferences:interim-plan-agree": "post-only",
    "strategy:section47-icpc-before-seen": "post-only",
    "conferences:minutes-distribute": "post-only",
    "conferences:feedback": {
        "social_worker",
        "same_team_worker",
        "team_manager",
        "business_support",
        "iro",
    },
    "conferences:feedback-summary": MANAGERS_AND_SENIOR | {"iro", "other_iro"},
    "conferences:iro-caseload": MANAGERS_AND_SENIOR | {"iro", "other_iro"},
    # Documents: they follow the child.
    "documents:child-documents": CHILD_READERS,
    "documents:detail": CHILD_READERS,
    "documents:download": CHILD_READERS,
    "documents:upload": CHILD_WRITERS,
    "documents:new-version": CHILD_WRITERS,
    "documents:share": CHILD_WRITERS,
    "documents:remove": CHILD_WRITERS,
    # Records officers (the documents.review_retention permission), none of the personas.
    "documents:retention": set(),
    # Contribution requests: asked by the child's writers, or business support for the
    # conferences they arrange; the professional's pages are public, but the code and answer
    # pages show nothing without the session the used link and the code open (404).
    "documents:contribution-requests": CHILD_READERS,
    "documents:contribution-request-new": CHILD_WRITERS | {"business_support"},
    "documents:contribution-new-link": "post-only",
    # Withdrawn by the child's team or by whoever asked (none of the others here asked).
    "documents:contribution-withdraw": CHILD_WRITERS,
    "documents:contribute": "public",
    "documents:contribute-code": "portal",
    "documents:contribute-answer": "portal",
    # Monitoring and dashboards.
    "monitoring:acknowledge": "post-only",
    "dashboards:team": MANAGERS_AND_SENIOR,
    "dashboards:iro": {"iro", "other_iro"},
    "dashboards:service": {"senior_manager"},
    "dashboards:metrics-json": MANAGERS_AND_SENIOR | {"iro", "other_iro"},
    "dashboards:drill": MANAGERS_AND_SENIOR | {"iro", "other_iro"},
    # Statutory returns.
    "reporting:census": {"senior_manager"},
    # Released only through the validation gate: with the validator made absent (below), the
    # one persona allowed is sent back to the census page; everyone else gets a 404.
    "reporting:census-download": "census-gated",
    "reporting:annex-a": {"senior_manager"},
    "reporting:annex-a-download": {"senior_manager"},
    # The partner agencies' API: an API key, never a session (staff signed in get 401 too);
    # its schema and docs describe it and hold no case data.
    "api:v1-plan-status": "api-key",
    "api:v1-contribution-requests": "api-key",
    "api:v1-contribution-submit": "api-key",
    "api:schema": "public",
    "api:docs": "public",
}


def _named_urls(patterns=None, namespace=None, prefix=""):
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            if p.namespace == "admin":
                continue  # Django's admin has its own permissions (staff + model permissions)
            yield from _named_urls(
                p.url_patterns, p.namespace or namespace, prefix + str(p.pattern)
            )
        elif isinstance(p, URLPattern) and p.name:
            name = f"{namespace}:{p.name}" if namespace else p.name
            yield name, prefix + str(p.pattern)


ROUTES = dict(_named_urls())
URL_NAMES = sorted(ROUTES)


def test_every_url_has_a_rule():
    missing = [name for name in URL_NAMES if name not in RULES]
    assert not missing, f"Add a permission rule for: {missing}"
    stale = [name for name in RULES if name not in URL_NAMES]
    assert not stale, f"Rules for URLs that no longer exist: {stale}"


@pytest.fixture
def scene(world):
    """One child with a record of every kind; world.iro chairs its conferences."""
    child = world.child
    referral = ReferralFactory(
        child=child,
        received_at=london(2026, 8, 17, 9),
        decision="strategy",
        decided_at=london(2026, 8, 17, 12),
    )
    discussion = StrategyDiscussionFactory(referral=referral, held_at=london(2026, 8, 18, 11))
    enquiry = Section47Factory(strategy_discussion=discussion)
    conference = ConferenceFactory(section47=enquiry)
    hold(conference, chair=world.iro, held_on=datetime.date(2026, 9, 8))
    ConferenceParticipant.objects.create(
        conference=conference, kind="agency", agency="social_care", name="SW", status="attended"
    )
    plan = conference.plan
    action = ActionFactory(outcome__plan=plan, timescale=datetime.date(2026, 12, 1))
    member = FamilyMemberFactory(child=child)
    link_family(members=[member])
    child.refresh_from_db()
    return {
        "pk": child.pk,
        "person_id": member.person_id,
        "child_person_id": child.person_id,
        "merge_id": PersonMerge.objects.create(
            survivor_id=member.person_id,
            duplicate_id=0,
            duplicate_name="A merged record",
            reason="Test merge (nothing moved)",
            merged_by=world.team_manager,
            reversible_until=london(2099, 1, 1),
        ).pk,
        "link_id": member.link_id,
        "member_id": member.pk,
        "professional_id": ProfessionalFactory(child=child).pk,
        "referral_id": referral.pk,
        "assessment_id": AssessmentFactory(referral=referral, child=child).pk,
        "visit_id": VisitFactory(child=child).pk,
        "episode_id": MissingEpisodeFactory(child=child).pk,
        "note_id": CaseNoteFactory(child=child, author=world.social_worker).pk,
        "service_id": ServiceReferralFactory(child=child).pk,
        "entry_id": ManualChronologyEntry.objects.create(
            child=child,
            event_date=datetime.date(2019, 3, 1),
            source="police",
            description="Police attended a domestic incident.",
            recorded_by=world.social_worker,
        ).pk,
        # Ended the day before the initial conference made the child protection plan.
        "cin_plan_id": CINPlanFactory(
            referral=referral,
            start_date=datetime.date(2026, 8, 20),
            end_date=datetime.date(2026, 9, 7),
        ).pk,
        "elsewhere_id": PreviousPlanElsewhere.objects.create(
            child=child,
            local_authority="Sefton",
            start_date=datetime.date(2024, 1, 10),
            end_date=datetime.date(2024, 9, 2),
        ).pk,
        "order_id": ProtectiveOrder.objects.create(
            child=child, kind="police", start_date=datetime.date(2026, 8, 17)
        ).pk,
        **_family_help(world),
        "discussion_id": discussion.pk,
        "enquiry_id": enquiry.pk,
        "conference": conference,
        "plan_id": plan.pk,
        "outcome_id": action.outcome.pk,
        "action_id": action.pk,
        "core_group": CoreGroupMeeting.objects.create(
            plan=plan,
            meeting_date=datetime.date(2026, 9, 15),
            attendees="x",
            recorded_by=world.social_worker,
        ),
        # In a browser test (transactional) the scan after each commit has raised it already.
        "alert": Alert.objects.update_or_create(
            rule="PLAN_ACTION",
            subject_key=f"action:{action.pk}",
            resolved_at=None,
            defaults=dict(
                child=child,
                status="open",
                responsible_worker=world.social_worker,
                responsible_team=world.team,
                first_found_at=london(2026, 9, 9),
                last_found_at=london(2026, 9, 9),
            ),
        )[0],
        "document_id": _document(child, world.social_worker).pk,
        **_contacts(child, world),
        "token": FeedbackInvitation.objects.create(
            conference=conference, respondent_type="parent", created_by=world.social_worker
        ).token,
        **_contribution(child, conference, world.social_worker),
    }


def _contribution(child, conference, user):
    """A GP asked for their report for the conference; the link's token as emailed."""
    from documents.contributions import new_link
    from documents.services import contribution_request
    from partners.models import PartnerOrganisation, PartnerPerson

    surgery = PartnerOrganisation.objects.create(name="Scene Surgery", agency="health")
    gp = PartnerPerson.objects.create(organisation=surgery, name="Dr Scene", email="gp@x.invalid")
    request = contribution_request(
        child=child,
        target=conference,
        person=gp,
        profession="gp",
        asked="Your report",
        due_date=datetime.date.today() + datetime.timedelta(days=5),
        user=user,
        link_base="http://testserver/",
    )
    token, request.token_hash = new_link(request.pk)
    request.save(update_fields=["token_hash"])
    return {"request_id": request.pk, "contribution_token": token}


def _contacts(child, world):
    """A contact waiting for a decision, with a check sent, and one decided (its outcome to
    tell)."""
    from frontdoor.services import contact_decide
    from tests.frontdoor.helpers import check_for, contact_for

    waiting = contact_for(child, world.social_worker)
    decided = contact_for(child, world.social_worker, received_at=london(2026, 11, 20, 9))
    contact_decide(contact=decided, user=world.team_manager, decision="advice", reason="x")
    return {
        "contact_id": waiting.pk,
        "decided_contact_id": decided.pk,
        "check_id": check_for(waiting, world.social_worker).pk,
    }


def _family_help(world) -> dict:
    """An earlier episode stepped down to the child's own team (so the scene's reach is the
    same), an assessment, a plan, and a step-up waiting for the team."""
    from familyhelp.models import EarlyHelpAssessment, FamilyHelpPlan, StepDown, StepUp

    child = world.child
    earlier = cast(
        Referral,
        ReferralFactory(
            child=child,
            received_at=london(2025, 1, 6, 9),
            decision="assessment",
            decided_at=london(2025, 1, 6, 12),
            closure_date=datetime.date(2025, 2, 3),
            closure_reason="RC9",
            stepped_down_to_early_help=True,
        ),
    )
    assessment = EarlyHelpAssessment.objects.create(
        child=child,
        start_date=datetime.date(2025, 2, 10),
        lead_practitioner="Ann Lead",
        lead_agency="education",
        organisation="Church Road Primary",
    )
    plan = FamilyHelpPlan.objects.create(
        child=child,
        assessment=assessment,
        start_date=datetime.date(2025, 3, 3),
        lead_practitioner="Ann Lead",
        lead_agency="education",
        outcomes="Attendance above 90%.",
        next_review_due=datetime.date(2025, 5, 26),
    )
    return {
        "eh_assessment_id": assessment.pk,
        "fh_plan_id": plan.pk,
        "step_down_id": StepDown.objects.create(
            child=child,
            referral=earlier,
            to_team=world.team,
            reason="Needs met by Family Help.",
            agreed_by=world.team_manager,
        ).pk,
        "step_up_id": StepUp.objects.create(
            child=child, to_team=world.team, reason="Worse.", requested_by=world.social_worker
        ).pk,
        "request_id_fh": _family_help_request(child, world),
    }


def _family_help_request(child, world) -> int:
    """A contact decided Family Help, asked of the child's own team (the scene's reach is the
    same): the request waits for the team's manager."""
    from familyhelp.models import FamilyHelpRequest
    from frontdoor.services import contact_decide
    from tests.frontdoor.helpers import contact_for

    contact = contact_for(child, world.social_worker, received_at=london(2026, 11, 16, 9))
    contact_decide(
        contact=contact,
        user=world.team_manager,
        decision="family_help",
        reason="Family Help can meet the needs.",
        family_help_team=world.team,
    )
    return FamilyHelpRequest.objects.get(contact=contact).pk


def _document(child, user):
    from django.core.files.base import ContentFile

    from documents.services import document_upload

    content = b"Synthetic report.\n"
    return document_upload(
        child=child,
        event=None,
        title="Report",
        document_type="sw_report",
        author="",
        agency="",
        document_date=datetime.date(2026, 9, 1),
        stream=ContentFile(content),
        original_name="report.txt",
        size=len(content),
        user=user,
    )


def _url(name: str, scene: dict) -> str:
    from django.urls import NoReverseMatch

    review = scene["conference"].plan.conferences.get(status="requested")
    kwargs_for = {
        "conferences:": {"pk": scene["conference"].pk},
        # The initial conference has been held; these act on the review still to be arranged.
        "conferences:schedule": {"pk": review.pk},
        "conferences:cancel": {"pk": review.pk},
        "monitoring:acknowledge": {"pk": scene["alert"].pk},
        "dashboards:drill": {"key": "icpc_held"},
        "conferences:feedback-public": {"token": scene["token"]},
        "documents:contribute": {"token": scene["contribution_token"]},
        "api:v1-contribution-submit": {"pk": scene["request_id"]},
        "documents:contribution-request-new": {
            "pk": scene["pk"],
            "slug": "conference",
            "target_id": scene["conference"].pk,
        },
        "people:merge": {"first_id": scene["person_id"], "second_id": scene["child_person_id"]},
        "people:merge-detail": {"merge_id": scene["merge_id"]},
        "people:merge-reverse": {"merge_id": scene["merge_id"]},
        "familyhelp:request-accept": {"pk": scene["pk"], "request_id": scene["request_id_fh"]},
        "frontdoor:contact-outcome": {
            "pk": scene["pk"],
            "contact_id": scene["decided_contact_id"],
        },
    }
    candidates = [kwargs_for[name]] if name in kwargs_for else []
    if ROUTES[name].startswith("conferences/") and name not in kwargs_for:
        # /conferences/<pk>/...: the pk is the conference's (elsewhere it is the child's).
        candidates.append(kwargs_for["conferences:"])
    keys = [
        "pk",
        "member_id",
        "professional_id",
        "referral_id",
        "assessment_id",
        "visit_id",
        "episode_id",
        "note_id",
        "service_id",
        "cin_plan_id",
        "elsewhere_id",
        "order_id",
        "eh_assessment_id",
        "fh_plan_id",
        "step_down_id",
        "step_up_id",
        "discussion_id",
        "enquiry_id",
        "plan_id",
        "outcome_id",
        "action_id",
        "link_id",
        "document_id",
        "entry_id",
        "person_id",
        "request_id",
        "contact_id",
        "check_id",
    ]
    candidates += [{}, {"pk": scene["pk"]}, {"person_id": scene["person_id"]}]
    candidates += [{"pk": scene["pk"], k: scene[k]} for k in keys[1:]]
    candidates += [
        {"pk": scene["pk"], "plan_id": scene["plan_id"], k: scene[k]}
        for k in ("outcome_id", "action_id")
    ]
    for kwargs in candidates:
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    raise AssertionError(f"No way to build a URL for {name}")


def expected_status(rule, persona: str) -> int | tuple[int, ...]:
    if rule == "public":
        return 200
    if rule == "portal":
        return 404  # no portal session: whoever is signed in to the site
    if rule == "api-key":
        return 401  # no key: refused before anything is read, whoever is signed in
    if rule == "logout":
        return 405  # sign-out is a POST, open to anyone
    if persona == "anonymous":
        return 302
    if rule == "post-only":
        return 405
    if rule == "keepalive":
        return 204
    if rule == "otp":
        return (200, 302)  # the set-up or verify step, or on to the page once verified
    if rule == "child-create":
        return 200 if persona in CHILD_WRITERS | {"other_team_worker", "other_manager"} else 302
    if rule == "redirect-writers":
        return 302 if persona in CHILD_WRITERS else 404
    if rule == "decided":
        return 302 if persona in MANAGER else 404
    if rule == "open-with-reason":
        if persona in CHILD_READERS:
            return 302
        return 200 if persona in WORKERS else 404
    if rule == "census-gated":
        return 302 if persona == "senior_manager" else 404
    return 200 if persona in rule else 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(world, scene, login, persona, monkeypatch):
    # Permissions never depend on an optional tool: the census validator is made absent here
    # whether or not this machine has it (the gate itself: tests/reporting/).
    monkeypatch.setenv("CIN_VALIDATOR_PYTHON", "/nonexistent")
    client = login(world.persona(persona))
    failures = []
    for name in URL_NAMES:
        url = _url(name, scene)
        expected = expected_status(RULES[name], persona)
        response = client.get(url)
        status = response.status_code
        allowed = expected if isinstance(expected, tuple) else (expected,)
        if status not in allowed:
            failures.append(f"{name} ({url}): expected {expected}, got {status}")
        elif (
            RULES[name] == "census-gated"
            and persona == "senior_manager"
            and not response["Location"].startswith(reverse("reporting:census"))
        ):
            failures.append(f"{name}: sent to {response['Location']}, not the census page")
    assert not failures, f"{persona}:\n" + "\n".join(failures)
