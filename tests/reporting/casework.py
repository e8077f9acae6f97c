"""Casework for one census year, recorded the way the system's own forms record it: through the
services, each of which runs the models' full validation."""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from accounts.models import User
from cases.models import Assessment, Child, CINPlan, Referral, Visit
from cases.services import child_create, record_save, referral_decide
from cases.services_episodes import assessment_authorise, referral_close, referral_create
from conferences.models import Conference
from conferences.services import conference_record_outcome, icpc_request
from conferences.timeliness import refresh_timeliness
from strategy.models import StrategyDiscussion
from strategy.services import strategy_discussion_record

LONDON = ZoneInfo("Europe/London")
D = datetime.date


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)


@dataclass
class Casework:
    assessed: Child  # referral, assessment, closed RC8
    protected: Child  # strategy, s47, ICPC, plan, review, plan ended, CIN plan, closed
    nfa: Child  # referral decided NFA, closed RC7
    open_plan: Child  # plan still open on 31 March, episode open
    unborn: Child  # pre-birth referral, assessment under way


def _child(user: User, la_id: str, **fields) -> Child:
    values = {
        "first_name": "Test",
        "last_name": la_id.title(),
        "sex": "F",
        "ethnicity": "WBRI",
        "disabilities": ["NONE"],
        "upn_unknown_reason": "UN5",
    }
    values.update(fields)
    return child_create(child=Child(la_child_id=la_id, **values), user=user)


def _referral(child, user, manager, day, decision, source="2A", need="N1") -> Referral:
    referral = referral_create(
        referral=Referral(
            child=child,
            received_at=at(day, 9),
            source=source,
            reason="Synthetic concern for the census test.",
            primary_need=need,
        ),
        user=user,
    )
    return referral_decide(referral=referral, user=manager, decision=decision, reason="Test.")


def _assess(child, referral, user, manager, start, authorised, factors=("16A",), outcome=""):
    assessment = record_save(
        instance=Assessment(
            referral=referral, child=child, start_date=start, factors=list(factors), outcome=outcome
        ),
        user=user,
    )
    if authorised:
        assessment_authorise(assessment=assessment, user=manager, authorised_date=authorised)
    return assessment


def _close(referral, user, day, reason) -> Referral:
    referral.refresh_from_db()
    referral.closure_date = day
    referral.closure_reason = reason
    return referral_close(referral=referral, user=user, expected_version=referral.version)


def _strategy_to_icpc(child, referral, user, manager, iro, day, held_on, *, plan=True):
    conference = request_icpc(child, referral, user, manager, day)
    return _hold(conference, iro, held_on, "plan" if plan else "no_plan", "NEG")


def request_icpc(child, referral, user, manager, day) -> Conference:
    """A strategy discussion on `day` with all three agencies starts a section 47 enquiry; the
    child is seen that day and the initial conference is asked for."""
    discussion = StrategyDiscussion(
        child=child,
        referral=referral,
        held_at=at(day, 11),
        discussion_type="meeting",
        reason="Injury reported by school.",
        chair=manager,
        s47_decision="start",
        enquiry_type="joint",
        referrer_invited="invited",
        education_invited="invited",
    )
    participants = [
        {"agency": "social_care", "name": "SW", "participation": "attended"},
        {"agency": "police", "name": "DC", "participation": "attended"},
        {"agency": "health", "health_service": "gp", "name": "GP", "participation": "attended"},
    ]
    strategy_discussion_record(
        discussion=discussion, participants=participants, safety_actions=[], user=user
    )
    enquiry = discussion.started_enquiry
    enquiry.child_seen_date = enquiry.start_date  # the conference is asked for once seen
    record_save(instance=enquiry, user=user)
    return icpc_request(enquiry=enquiry, user=user)


def _hold(conference: Conference, iro, held_on, decision, category="", **extra) -> Conference:
    conference.chair = iro
    conference.held_on = held_on
    conference.decision = decision
    conference.category = category if decision in ("plan", "continue") else ""
    conference.decision_reasons = "Recorded for the census test."
    for key, value in extra.items():
        setattr(conference, key, value)
    conference.save()
    return conference_record_outcome(
        conference=conference, user=iro, expected_version=conference.version
    )


def record_casework(world) -> Casework:
    """Five children with a year of casework ending 31 March 2026 (census year 2026)."""
    sw, tm, iro = world.social_worker, world.team_manager, world.iro

    assessed = _child(sw, "CWASSESSED1", date_of_birth=D(2014, 5, 2), sex="M")
    r = _referral(assessed, sw, tm, D(2025, 5, 6), "assessment", source="3B", need="N4")
    _assess(assessed, r, sw, tm, D(2025, 5, 7), D(2025, 6, 20), ("3B", "4B"), "nfa")
    _close(r, sw, D(2025, 6, 27), "RC8")

    protected = _child(sw, "CWPROTECT1", date_of_birth=D(2016, 2, 11), disabilities=["LD", "COMM"])
    r = _referral(protected, sw, tm, D(2025, 4, 14), "strategy", source="6")
    _assess(protected, r, sw, tm, D(2025, 4, 15), D(2025, 5, 30), ("3B", "16A"), "strategy")
    icpc = _strategy_to_icpc(protected, r, sw, tm, iro, D(2025, 4, 15), D(2025, 5, 2))
    review = icpc.plan.conferences.get(conference_type="review")
    _hold(review, iro, D(2025, 7, 31), "continue", "NEG")
    last = icpc.plan.conferences.filter(conference_type="review", status="requested").get()
    _hold(last, iro, D(2025, 11, 20), "end", end_next_step="cin_plan")
    record_save(
        instance=CINPlan(
            child=protected, referral=r, start_date=D(2025, 11, 20), end_date=D(2026, 1, 30)
        ),
        user=sw,
    )
    _close(r, sw, D(2026, 2, 2), "RC7")

    nfa = _child(sw, "CWNFA1", date_of_birth=D(2020, 8, 19), upn_unknown_reason="UN5")
    r = _referral(nfa, sw, tm, D(2025, 9, 3), "nfa", source="1A", need="N5")
    _close(r, sw, D(2025, 9, 4), "RC7")

    open_plan = _child(
        sw, "CWOPENPLAN1", date_of_birth=D(2012, 10, 9), upn="L344123456785", upn_unknown_reason=""
    )
    r = _referral(open_plan, sw, tm, D(2025, 12, 1), "strategy", source="2A")
    _assess(open_plan, r, sw, tm, D(2025, 12, 2), D(2026, 1, 16), ("17A",), "strategy")
    _strategy_to_icpc(open_plan, r, sw, tm, iro, D(2025, 12, 2), D(2025, 12, 17))
    record_save(
        instance=Visit(
            child=open_plan,
            visit_date=D(2026, 1, 5),
            visit_type="statutory_cp",
            child_seen=True,
            seen_alone=True,
            childs_words="I like my school.",
            recorded_by=sw,
        ),
        user=sw,
    )
    refresh_timeliness([open_plan.pk])  # as the evaluation after the save commits does

    unborn = _child(
        sw,
        "CWUNBORN1",
        first_name="",
        sex="U",
        date_of_birth=None,
        expected_date_of_birth=D(2026, 5, 20),
        upn_unknown_reason="UN1",
        disabilities=[],
    )
    r = _referral(unborn, sw, tm, D(2026, 2, 16), "assessment", source="3D", need="N3")
    _assess(unborn, r, sw, tm, D(2026, 2, 17), None, (), "")
    return Casework(assessed, protected, nfa, open_plan, unborn)
