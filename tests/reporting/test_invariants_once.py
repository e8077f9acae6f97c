"""Each rule on how a child's records fit together is stated once (cases/rules.py,
strategy/rules.py, conferences/rules.py): the service behind a form and the census import refuse
the same case with the same words, and the import states none of those rules itself."""

import ast
import datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from cases.models import Assessment, CINPlan, Referral
from cases.services_episodes import assessment_save, cin_plan_save, referral_close, referral_create
from reporting.census_import import census_import
from strategy.models import Section47
from strategy.services import section47_start
from tests.accounts.factories import UserFactory
from tests.cases.factories import ChildFactory, CINPlanFactory, ReferralFactory
from tests.conferences.factories import ConferenceFactory, PlanFactory, hold
from tests.reporting.test_census_import import census_file, child_xml
from tests.strategy.factories import Section47Factory, StrategyDiscussionFactory, london

D = datetime.date
BORN = "2015-06-01"


def refused(call) -> list[str]:
    """The messages a service refuses with (what its form shows)."""
    with pytest.raises(ValidationError) as error:
        call()
    if hasattr(error.value, "error_dict"):
        return [m for messages in error.value.message_dict.values() for m in messages]
    return error.value.messages


def import_refuses(la_id: str, body: str, *, dob: str = BORN) -> list[str]:
    """Load one child's census record; it must be refused. Returns the problems' messages."""
    report = census_import(data=census_file(child_xml(la_id, body, dob=dob)))
    assert report.children_skipped == 1, report.problems
    return [p.message for p in report.problems if p.la_child_id == la_id]


def imports(la_id: str, body: str) -> None:
    report = census_import(data=census_file(child_xml(la_id, body)))
    assert report.problems == []


def episode(referred: str, body: str = "", closure: str = "") -> str:
    closed = (
        f"<CINclosureDate>{closure}</CINclosureDate><ReasonForClosure>RC8</ReasonForClosure>"
        if closure
        else ""
    )
    return (
        f"<CINdetails><CINreferralDate>{referred}</CINreferralDate><ReferralSource>2A"
        f"</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode>{closed}"
        f"<ReferralNFA>0</ReferralNFA>{body}</CINdetails>"
    )


def assessment(start: str, authorised: str = "") -> str:
    done = (
        f"<AssessmentAuthorisationDate>{authorised}</AssessmentAuthorisationDate>"
        "<FactorsIdentifiedAtAssessment><AssessmentFactors>16A</AssessmentFactors>"
        "</FactorsIdentifiedAtAssessment>"
        if authorised
        else ""
    )
    started = f"<AssessmentActualStartDate>{start}</AssessmentActualStartDate>"
    return f"<Assessments>{started}{done}</Assessments>"


def cin_plan(start: str) -> str:
    return f"<CINPlanDates><CINPlanStartDate>{start}</CINPlanStartDate></CINPlanDates>"


def enquiry(start: str, icpc: str = "") -> str:
    held = f"<DateOfInitialCPC>{icpc}</DateOfInitialCPC>" if icpc else ""
    return (
        f"<Section47><S47ActualStartDate>{start}</S47ActualStartDate>{held}"
        "<ICPCnotRequired>0</ICPCnotRequired></Section47>"
    )


def protection_plan(start: str) -> str:
    return (
        f"<ChildProtectionPlans><CPPstartDate>{start}</CPPstartDate>"
        "<InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>"
        "<LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse>"
        "<NumberOfPreviousCPP>0</NumberOfPreviousCPP></ChildProtectionPlans>"
    )


def entered_child(la_id: str, *, decision: str = "assessment", **referral):
    """A child entered in this system, with an open episode referred on 2 June 2025."""
    child = ChildFactory(la_child_id=la_id, date_of_birth=D(2015, 6, 1))
    episode = ReferralFactory(
        child=child, received_at=london(2025, 6, 2), decision=decision, **referral
    )
    return child, episode


# --- Episodes -----------------------------------------------------------------------------------


def test_a_second_open_episode_is_refused_alike(db):
    for la_id in ("FORM1", "FILE1"):
        entered_child(la_id)
    child = ChildFactory._meta.model.objects.get(la_child_id="FORM1")
    new = Referral(
        child=child, received_at=london(2025, 8, 1), source="2A", reason="x", primary_need="N1"
    )
    said = refused(lambda: referral_create(referral=new, user=UserFactory()))
    assert said == [
        "This child already has an open episode (referral received 2 Jun 2025). Close it "
        "before recording a new referral."
    ]
    assert said == import_refuses("FILE1", episode("2025-08-01"))


def test_an_episode_inside_another_is_refused_alike(db):
    for la_id in ("FORM2", "FILE2"):
        entered_child(la_id, closure_date=D(2025, 9, 1), closure_reason="RC8")
    child = ChildFactory._meta.model.objects.get(la_child_id="FORM2")
    new = Referral(
        child=child, received_at=london(2025, 8, 1), source="2A", reason="x", primary_need="N1"
    )
    said = refused(lambda: referral_create(referral=new, user=UserFactory()))
    assert said == [
        "This date falls within another episode for this child (2 Jun 2025 to 1 Sep 2025). "
        "Episodes cannot overlap."
    ]
    assert said == import_refuses("FILE2", episode("2025-08-01"))


def test_an_open_no_further_action_episode_counts_as_open_in_the_import_too(db):
    """The import used to let an open episode decided as no further action sit beside another
    open one; the services never did, and their rule now holds for the import as well."""
    nfa = episode("2025-06-02").replace("<ReferralNFA>0", "<ReferralNFA>1")
    messages = import_refuses("FILE3", nfa + episode("2025-08-01"))
    assert any("already has an open episode (referral received 2 Jun 2025)" in m for m in messages)


def test_a_referral_long_before_birth_is_refused_alike(db):
    child = ChildFactory(la_child_id="FORM4", date_of_birth=D(2026, 6, 1))
    new = Referral(
        child=child, received_at=london(2025, 6, 2), source="2A", reason="x", primary_need="N1"
    )
    said = refused(lambda: referral_create(referral=new, user=UserFactory()))
    assert said == [
        "A referral cannot be more than 40 weeks before the child's (expected) date of birth "
        "(1 Jun 2026). Check the dates."
    ]
    assert said == import_refuses("FILE4", episode("2025-06-02"), dob="2026-06-01")


# --- Records inside their episode ---------------------------------------------------------------


def test_an_assessment_before_the_referral_is_refused_alike(db):
    child, referral = entered_child("FORM5")
    entered_child("FILE5")
    new = Assessment(child=child, referral=referral, start_date=D(2025, 6, 1))
    said = refused(lambda: assessment_save(assessment=new, user=UserFactory()))
    assert said == ["The assessment cannot start before the referral was received (2 Jun 2025)."]
    assert said == import_refuses("FILE5", episode("2025-06-02", assessment("2025-06-01")))


def test_a_child_in_need_plan_before_the_referral_is_refused_alike(db):
    child, referral = entered_child("FORM6")
    entered_child("FILE6")
    new = CINPlan(child=child, referral=referral, start_date=D(2025, 6, 1))
    said = refused(lambda: cin_plan_save(plan=new, user=UserFactory()))
    assert said == [
        "A child in need plan cannot start before the referral was received (2 Jun 2025)."
    ]
    assert said == import_refuses("FILE6", episode("2025-06-02", cin_plan("2025-06-01")))


# --- Plans --------------------------------------------------------------------------------------


def test_two_child_in_need_plans_at_once_are_refused_alike(db):
    for la_id in ("FORM7", "FILE7"):
        _, referral = entered_child(la_id)
        CINPlanFactory(referral=referral, start_date=D(2025, 7, 1))
    referral = Referral.objects.get(child__la_child_id="FORM7")
    new = CINPlan(child=referral.child, referral=referral, start_date=D(2025, 8, 1))
    said = refused(lambda: cin_plan_save(plan=new, user=UserFactory()))
    assert said == [
        "This would overlap the child in need plan from 1 Jul 2025: a child has one child in "
        "need plan at a time."
    ]
    assert said == import_refuses("FILE7", episode("2025-06-02", cin_plan("2025-08-01")))


def test_a_child_in_need_plan_during_a_protection_plan_is_refused_alike(db):
    for la_id in ("FORM8", "FILE8"):
        child, _ = entered_child(la_id)
        PlanFactory(child=child, start_date=D(2025, 6, 20))
    referral = Referral.objects.get(child__la_child_id="FORM8")
    new = CINPlan(child=referral.child, referral=referral, start_date=D(2025, 7, 1))
    said = refused(lambda: cin_plan_save(plan=new, user=UserFactory()))
    assert said == [
        "The child is on a child protection plan then (from 20 Jun 2025): a child in need plan "
        "starts when the child protection plan ends, never at the same time."
    ]
    assert said == import_refuses("FILE8", episode("2025-06-02", cin_plan("2025-07-01")))


def test_two_protection_plans_at_once_are_refused_alike(db):
    child = ChildFactory(la_child_id="FORM9", date_of_birth=D(2015, 6, 1))
    PlanFactory(child=child, start_date=D(2025, 6, 20))
    PlanFactory(child=ChildFactory(la_child_id="FILE9"), start_date=D(2025, 6, 20))
    referral = ReferralFactory(child=child, received_at=london(2025, 8, 1), decision="strategy")
    discussion = StrategyDiscussionFactory(referral=referral, held_at=london(2025, 8, 4))
    icpc = ConferenceFactory(section47=Section47Factory(strategy_discussion=discussion))
    # The chair records a plan at the initial conference on Monday 1 September 2025.
    said = refused(lambda: hold(icpc, chair=UserFactory(), held_on=D(2025, 9, 1)))
    assert said == [
        "This plan would overlap another child protection plan for this child (from "
        "20 Jun 2025): a child has one plan at a time (and a new plan cannot start on the day "
        "the last one ended)."
    ]
    body = enquiry("2025-08-04", icpc="2025-09-01") + protection_plan("2025-09-01")
    assert said == import_refuses("FILE9", episode("2025-08-01", body))


def test_a_second_open_enquiry_is_refused_alike(db):
    for la_id in ("FORM10", "FILE10"):
        _, referral = entered_child(la_id, decision="strategy")
        discussion = StrategyDiscussionFactory(referral=referral, held_at=london(2025, 6, 4))
        Section47Factory(strategy_discussion=discussion)
    referral = Referral.objects.get(child__la_child_id="FORM10")
    later = StrategyDiscussionFactory(referral=referral, held_at=london(2025, 6, 10))
    said = refused(lambda: section47_start(discussion=later, user=UserFactory()))
    assert said == [
        "This child already has an open section 47 enquiry: record its outcome before starting "
        "another."
    ]
    assert said == import_refuses("FILE10", episode("2025-06-02", enquiry("2025-06-10")))


# --- Closing an episode --------------------------------------------------------------------------

CLOSURE = "2025-07-01"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            assessment("2025-06-03"),
            "The assessment started 3 Jun 2025 has not been authorised: a manager must "
            "authorise it before the episode closes.",
        ),
        (
            enquiry("2025-06-04"),
            "The section 47 enquiry started 4 Jun 2025 is still open on this date: hold the "
            "initial conference or record the enquiry's outcome first.",
        ),
        (
            enquiry("2025-06-04", icpc="2025-06-20") + protection_plan("2025-06-20"),
            "The child protection plan that started 20 Jun 2025 is still open on this date: end "
            "the plan first.",
        ),
        (
            cin_plan("2025-06-10"),
            "The child in need plan that started 10 Jun 2025 is still open on this date: end it "
            "first.",
        ),
    ],
    ids=["unauthorised assessment", "open enquiry", "open protection plan", "open CIN plan"],
)
def test_an_episode_closing_with_open_work_is_refused_alike(db, body, message):
    """An episode loaded from one return, then closed: by a worker on the form, or by a later
    return, with the same work still open in it."""
    imports("CLOSE1", episode("2025-06-02", body))
    referral = Referral.objects.get(child__la_child_id="CLOSE1")
    referral.closure_date, referral.closure_reason = D(2025, 7, 1), "RC8"
    said = refused(lambda: referral_close(referral=referral, user=UserFactory()))
    assert said == [message]
    from_file = import_refuses("CLOSE1", episode("2025-06-02", body, closure=CLOSURE))
    assert message in from_file
    assert Referral.objects.get(child__la_child_id="CLOSE1").closure_date is None


# --- Stated once --------------------------------------------------------------------------------

RECORD_DATES = {"start_date", "end_date", "closure_date", "authorised_date", "completion_date"}


def test_the_census_import_compares_no_record_dates_of_its_own():
    """The import checks the file's own shape (its census records' `start`, `end`...); every
    comparison of the dates of the records it loads is a rule in a rules module."""
    source = Path(__file__).resolve().parents[2] / "reporting" / "census_import.py"
    tree = ast.parse(source.read_text())
    found = [
        (node.lineno, name.attr)
        for node in ast.walk(tree)
        if isinstance(node, ast.Compare)
        for name in ast.walk(node)
        if isinstance(name, ast.Attribute) and name.attr in RECORD_DATES
    ]
    assert found == []
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    assert {"case_rules", "enquiry_rules", "plan_rules"} <= names


@pytest.mark.parametrize("model", ["referral", "assessment", "cin plan", "plan", "enquiry"])
def test_clean_checks_only_its_own_row(db, django_assert_num_queries, model):
    """clean() reads no other record: what spans records is a rule the services call."""
    _, referral = entered_child("CLEAN1", decision="strategy")
    discussion = StrategyDiscussionFactory(referral=referral, held_at=london(2025, 6, 4))
    records = {
        "referral": lambda: Referral.objects.get(pk=referral.pk),
        "assessment": lambda: Assessment.objects.create(
            child=referral.child, referral=referral, start_date=D(2025, 6, 3)
        ),
        "cin plan": lambda: CINPlanFactory(referral=referral, start_date=D(2025, 6, 10)),
        "plan": lambda: PlanFactory(child=referral.child, start_date=D(2025, 6, 20)),
        "enquiry": lambda: Section47.objects.get(
            pk=Section47Factory(strategy_discussion=discussion).pk
        ),
    }
    record = records[model]()
    with django_assert_num_queries(0):
        record.clean()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            episode("2025-06-02", closure="2025-06-01"),
            "closure_date: The case cannot close before the referral was received (2 Jun 2025).",
        ),
        (
            episode(
                "2025-06-02",
                enquiry("2025-06-04", icpc="2025-06-20")
                + protection_plan("2025-06-20").replace(
                    "<LatestCategoryOfAbuse>",
                    "<CPPendDate>2025-06-20</CPPendDate><LatestCategoryOfAbuse>",
                ),
            ),
            "end_date: A plan cannot start and end on the same day.",
        ),
        (
            episode("2025-06-02", assessment("2025-06-10", authorised="2025-06-05")),
            "authorised_date: An assessment cannot be authorised before it started.",
        ),
    ],
    ids=["closed before referral", "plan ends on its first day", "authorised before start"],
)
def test_a_records_own_rules_reach_the_import_from_its_model(db, body, message):
    """What only restated a model's own row is left to that model's clean()."""
    assert message in import_refuses("ROW1", body)
