import datetime

import factory

from tests.strategy.factories import Section47Factory


class ConferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "conferences.Conference"

    section47 = factory.SubFactory(Section47Factory)
    child = factory.LazyAttribute(lambda c: c.section47.child)
    conference_type = "initial"
    status = "requested"
    target_date = factory.LazyAttribute(lambda c: c.section47.icpc_target_date)


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "conferences.ChildProtectionPlan"

    child = factory.SubFactory("tests.cases.factories.ChildFactory")
    start_date = datetime.date(2026, 6, 1)
    initial_category = "NEG"
    latest_category = "NEG"


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "conferences.PlanOutcome"

    plan = factory.SubFactory(PlanFactory)
    what_needs_to_change = "Ruby needs to be collected from school on time every day."


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "conferences.PlanAction"

    outcome = factory.SubFactory(OutcomeFactory)
    action = "Mum to set a phone reminder for 2.45pm."
    owner = "Mum"
    timescale = datetime.date(2026, 7, 1)


def hold(
    conference, *, chair, held_on, decision="plan", category="NEG", explain_late=True, **extra
):
    """Record a conference as held through the service, as the chair would."""
    from conferences.services import conference_record_outcome

    conference.chair = chair
    conference.held_on = held_on
    conference.decision = decision
    conference.category = category if decision in ("plan", "continue") else ""
    conference.decision_reasons = "Risk of significant harm from neglect."
    if explain_late and conference.is_initial and held_on > conference.target_date:
        # A late ICPC says why and has an interim safety plan a manager agreed (tested in
        # tests/conferences/test_late_icpc.py); tests about something else give them here.
        from tests.accounts.factories import make_user

        extra = {
            "late_reason_code": "chair",
            "late_reason": "The chair was unavailable on the target date.",
            "interim_safety_plan": conference.interim_safety_plan or "Grandmother stays.",
            "interim_plan_agreed_by": make_user("Team manager"),
            **extra,
        }
    for key, value in extra.items():
        setattr(conference, key, value)
    conference.save()
    return conference_record_outcome(
        conference=conference, user=chair, expected_version=conference.version
    )
