"""Scene-setting for the journeys: what already happened before the person sits down.

Only the scene is made here (through factories and the services, as the earlier steps would
have made it); the journey itself happens in the browser.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from conferences import services as conference_services
from conferences.models import Conference
from tests.cases.factories import FamilyMemberFactory, ProfessionalFactory, ReferralFactory
from tests.strategy.factories import Section47Factory, StrategyDiscussionFactory, full_participation
from timescales.calendar import add_working_days, is_working_day

LONDON = ZoneInfo("Europe/London")


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def today() -> date:
    return timezone.localdate()


def working_days_ago(n: int) -> date:
    """The nth working day before today (0: today, or the last working day at a weekend)."""
    day = today()
    while not is_working_day(day):
        day -= timedelta(days=1)
    return add_working_days(day, -n)


def family_and_network(child) -> None:
    """A mother with parental responsibility and the professionals who know the child."""
    FamilyMemberFactory(child=child, first_name="Dana", relationship="mother")
    ProfessionalFactory(child=child, name="Sam Visitor", agency="health", role="Health visitor")
    ProfessionalFactory(
        child=child, name="Pat Teacher", agency="education", role="Designated safeguarding lead"
    )


def icpc_requested(world, child, *, strategy_on: date) -> Conference:
    """Referral decided, strategy discussion with all three agencies, section 47 with the child
    seen, and the ICPC requested by the social worker (target 15 working days later)."""
    referral = ReferralFactory(
        child=child,
        received_at=at(strategy_on, 9),
        decision="strategy",
        decision_reason="Reasonable cause to suspect significant harm.",
        decided_by=world.team_manager,
        decided_at=at(strategy_on, 9, 30),
    )
    discussion = StrategyDiscussionFactory(
        referral=referral, held_at=at(strategy_on, 11), chair=world.team_manager
    )
    full_participation(discussion)
    enquiry = Section47Factory(
        strategy_discussion=discussion, child_seen_date=strategy_on, child_seen_alone=True
    )
    return conference_services.icpc_request(enquiry=enquiry, user=world.social_worker)


def icpc_booked(world, child, *, strategy_on: date, on: date) -> Conference:
    """The ICPC scheduled by business support for `on`, chaired by world.iro, with invitations
    sent to the social worker, police, health and the mother."""
    conference = icpc_requested(world, child, strategy_on=strategy_on)
    conference.scheduled_for = at(on, 10)
    conference.venue = "Room 2, Civic Centre"
    conference.chair = world.iro
    conference_services.conference_schedule(
        conference=conference, user=world.business_support, expected_version=conference.version
    )
    invited = add_working_days(strategy_on, 2)
    rows = [
        ("agency", "social_care", world.social_worker.get_full_name(), "Allocated social worker"),
        ("agency", "police", "DC Alex Sample", "Public protection unit"),
        ("agency", "health", "Sam Visitor", "Health visitor"),
        ("parent", "", f"Dana {child.last_name}", "Mother"),
    ]
    conference_services.conference_participants_save(
        conference=conference,
        rows=[
            {"kind": kind, "agency": agency, "name": name, "role": role, "invited_on": invited}
            for kind, agency, name, role in rows
        ],
        user=world.business_support,
    )
    conference.refresh_from_db()
    return conference


def icpc_held(world, child, *, strategy_on: date, held_on: date, decision: str = "plan"):
    """An ICPC held on `held_on` and recorded by its chair (a plan starts if decided)."""
    from tests.conferences.factories import hold

    conference = icpc_requested(world, child, strategy_on=strategy_on)
    return hold(
        conference,
        chair=world.iro,
        held_on=held_on,
        decision=decision,
        outline_plan="Dana keeps the home calm and safe for the children."
        if decision == "plan"
        else "",
    )


def icpcs_one_in_time_one_late(world):
    """Ruby's ICPC (world.child) held within 15 working days of her strategy discussion and
    Leo's after it, both in the manager's team. Returns (ruby, leo)."""
    from tests.cases.factories import ChildFactory
    from timescales.calendar import add_working_days

    ruby = world.child
    leo = ChildFactory(
        first_name="Leo",
        last_name="Latecombe",
        allocated_team=world.team,
        allocated_worker=world.same_team_worker,
    )
    ruby_strategy = working_days_ago(25)
    icpc_held(world, ruby, strategy_on=ruby_strategy, held_on=add_working_days(ruby_strategy, 12))
    leo_strategy = working_days_ago(30)
    icpc_held(
        world,
        leo,
        strategy_on=leo_strategy,
        held_on=add_working_days(leo_strategy, 17),
        decision="no_plan",
    )
    return ruby, leo
