"""Loading a CIN census file: round trip, idempotence, broken children, provenance."""

import datetime

import pytest
from defusedxml import ElementTree as SafeET

from accounts.models import User
from cases.models import Assessment, Child, CINPlan, Referral
from conferences.models import ChildProtectionPlan, Conference
from monitoring.rules import RULES_BY_CODE
from monitoring.services import timescales_scan
from reporting.census_export import census_export
from reporting.census_import import IMPORT_USERNAME, census_import
from strategy.models import Section47, StrategyDiscussion
from tests.reporting.casework import record_casework

MODELS = (Child, Referral, Assessment, CINPlan, StrategyDiscussion, Section47)
MODELS += (ChildProtectionPlan, Conference)

HEADER = """<?xml version="1.0" encoding="utf-8"?>
<Message><Header><CollectionDetails><Collection>CIN</Collection><Year>2026</Year>
<ReferenceDate>2026-03-31</ReferenceDate></CollectionDetails><Source><SourceLevel>L</SourceLevel>
<LEA>344</LEA><SoftwareCode>Test</SoftwareCode><Release>1</Release><SerialNo>001</SerialNo>
<DateTime>2026-04-20T10:00:00</DateTime></Source></Header><Children>
"""
FOOTER = "</Children></Message>\n"


def child_xml(la_id, body="", *, dob="2015-06-01", sex="F", ethnicity="WBRI"):
    return f"""<Child><ChildIdentifiers><LAchildID>{la_id}</LAchildID><UPNunknown>UN5</UPNunknown>
<PersonBirthDate>{dob}</PersonBirthDate><Sex>{sex}</Sex></ChildIdentifiers>
<ChildCharacteristics><Ethnicity>{ethnicity}</Ethnicity><Disabilities><Disability>NONE</Disability>
</Disabilities></ChildCharacteristics>{body}</Child>
"""


EPISODE = """<CINdetails><CINreferralDate>2025-06-02</CINreferralDate>
<ReferralSource>2A</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode><ReferralNFA>0</ReferralNFA>
<Assessments><AssessmentActualStartDate>2025-06-03</AssessmentActualStartDate>
<AssessmentAuthorisationDate>2025-07-10</AssessmentAuthorisationDate>
<FactorsIdentifiedAtAssessment><AssessmentFactors>16A</AssessmentFactors>
</FactorsIdentifiedAtAssessment></Assessments>
<Section47><S47ActualStartDate>2025-06-04</S47ActualStartDate>
<InitialCPCtarget>2025-06-25</InitialCPCtarget><DateOfInitialCPC>2025-06-20</DateOfInitialCPC>
<ICPCnotRequired>0</ICPCnotRequired></Section47>
<ChildProtectionPlans><CPPstartDate>2025-06-20</CPPstartDate>
<InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse><LatestCategoryOfAbuse>EMO</LatestCategoryOfAbuse>
<NumberOfPreviousCPP>2</NumberOfPreviousCPP><Reviews><CPPreviewDate>2025-09-18</CPPreviewDate>
<CPPreviewDate>2026-03-12</CPPreviewDate></Reviews></ChildProtectionPlans></CINdetails>"""


def census_file(*children: str) -> bytes:
    return (HEADER + "".join(children) + FOOTER).encode()


def snapshot():
    return {m.__name__: m.objects.count() for m in MODELS}


def structure(xml: bytes, prefix: str = "") -> dict:
    """What the round trip must keep: children, and each episode with its dated records."""
    result = {}
    for child in SafeET.fromstring(xml).iter("Child"):
        la_id = child.findtext("ChildIdentifiers/LAchildID").removeprefix(prefix)
        ids = {e.tag: e.text for e in child.find("ChildIdentifiers") if e.tag != "LAchildID"}
        episodes = []
        for cin in child.findall("CINdetails"):
            episodes.append(
                {
                    "fields": {e.tag: e.text for e in cin if len(e) == 0},
                    "children": sorted(
                        (e.tag, tuple((g.tag, g.text) for g in e.iter() if len(g) == 0))
                        for e in cin
                        if len(e)
                    ),
                }
            )
        result[la_id] = (ids, episodes)
    return result


def test_import_then_export_gives_the_same_return(world):
    record_casework(world)
    _, original = census_export(year=2026)
    # The same return under new LA child IDs, so that it loads as new children.
    renamed = original.replace(b"<LAchildID>", b"<LAchildID>RT")
    report = census_import(data=renamed, source_name="roundtrip.xml")
    assert report.problems == []
    assert report.children_created == 5
    imported = Child.objects.filter(la_child_id__startswith="RT")
    _, again = census_export(year=2026, children=imported)
    assert structure(again, prefix="RT") == structure(original)


def test_importing_the_same_file_twice_changes_nothing(db):
    data = census_file(child_xml("IDEM1", EPISODE), child_xml("IDEM2", EPISODE))
    first = census_import(data=data)
    assert first.children_created == 2 and first.problems == []
    before = snapshot()
    second = census_import(data=data)
    assert second.children_unchanged == 2
    assert not second.changed_anything
    assert snapshot() == before


def test_a_later_return_brings_imported_records_up_to_date(db):
    census_import(data=census_file(child_xml("LATER1", EPISODE)))
    closed = EPISODE.replace(
        "<ReferralNFA>",
        "<CINclosureDate>2026-03-20</CINclosureDate><ReasonForClosure>RC7</ReasonForClosure>"
        "<ReferralNFA>",
    ).replace(
        "<LatestCategoryOfAbuse>", "<CPPendDate>2026-03-12</CPPendDate><LatestCategoryOfAbuse>"
    )
    report = census_import(data=census_file(child_xml("LATER1", closed)))
    assert report.problems == []
    assert report.children_updated == 1
    referral = Referral.objects.get(child__la_child_id="LATER1")
    assert referral.closure_date == datetime.date(2026, 3, 20)
    plan = ChildProtectionPlan.objects.get(child__la_child_id="LATER1")
    assert plan.end_date == datetime.date(2026, 3, 12)
    assert Referral.objects.count() == 1  # matched, not duplicated


def test_imported_records_are_marked_and_shaped_like_entered_ones(db):
    report = census_import(data=census_file(child_xml("SHAPE1", EPISODE)))
    assert report.problems == []
    child = Child.objects.get(la_child_id="SHAPE1")
    assert child.source == "census"
    referral = child.referrals.get()
    assert referral.source_system == "census" and referral.decision == "strategy"
    assert child.assessments.get().source_system == "census"
    enquiry = child.section47s.get()
    assert enquiry.source_system == "census"
    assert enquiry.outcome == "icpc" and enquiry.completion_date == datetime.date(2025, 6, 20)
    discussion = enquiry.strategy_discussion
    assert discussion.held_date == enquiry.start_date == datetime.date(2025, 6, 4)
    assert discussion.source_system == "census"
    chair = User.objects.get(username=IMPORT_USERNAME)
    assert discussion.chair == chair and not chair.is_active and not chair.roles
    plan = child.protection_plans.get()
    assert (plan.initial_category, plan.latest_category) == ("NEG", "EMO")
    assert plan.number_of_previous_plans == 2 and plan.source_system == "census"
    icpc = Conference.objects.get(section47=enquiry)
    assert icpc.status == "held" and icpc.plan == plan and icpc.decision == "plan"
    reviews = plan.conferences.filter(conference_type="review").order_by("held_on")
    assert [r.held_on for r in reviews] == [datetime.date(2025, 9, 18), datetime.date(2026, 3, 12)]
    # Three months after the ICPC is Saturday 20 Sep 2025: due the working day before.
    assert reviews[0].target_date == datetime.date(2025, 9, 19)
    for model in MODELS:
        for row in model.objects.all():
            row.full_clean()


def test_dashboard_measures_count_imported_data_as_entered_data(world):
    """The timescale scan (which feeds the dashboards) finds the same late first review on a
    child whose plan was imported as on one whose plan was entered."""
    census_import(
        data=census_file(
            child_xml(
                "MEASURE1",
                EPISODE.replace(
                    "<Reviews><CPPreviewDate>2025-09-18</CPPreviewDate>\n<CPPreviewDate>2026-03-12"
                    "</CPPreviewDate></Reviews>",
                    "",
                ),
            )
        )
    )
    imported = ChildProtectionPlan.objects.get(child__la_child_id="MEASURE1")
    result = timescales_scan(as_of=datetime.date(2026, 11, 20))
    late_reviews = {c.finding.subject_key for c in result.found if c.finding.rule == "FIRST_REVIEW"}
    assert f"plan:{imported.pk}" in late_reviews
    assert "FIRST_REVIEW" in RULES_BY_CODE


def test_broken_children_are_reported_and_the_good_ones_load(db):
    bad_date = child_xml("BADDATE1", EPISODE.replace("2025-06-03", "2025-13-45"))
    bad_code = child_xml("BADCODE1", EPISODE.replace("<ReferralSource>2A", "<ReferralSource>ZZ"))
    malformed = child_xml("BROKEN1", EPISODE).replace("</Sex>", "</Sexx>")
    second_open_episode = (
        "<CINdetails><CINreferralDate>2025-08-01</CINreferralDate><ReferralSource>6"
        "</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode><ReferralNFA>0</ReferralNFA>"
        "</CINdetails>"
    )
    overlap = child_xml("OVERLAP1", EPISODE + second_open_episode)
    weekend_icpc = child_xml("WEEKEND1", EPISODE.replace("2025-06-20", "2025-06-21"))
    data = census_file(
        child_xml("GOOD1", EPISODE),
        bad_date,
        bad_code,
        malformed,
        overlap,
        weekend_icpc,
        child_xml("GOOD2", EPISODE),
    )
    report = census_import(data=data, source_name="broken.xml")
    assert report.children_in_file == 7
    assert report.children_created == 2
    assert set(Child.objects.values_list("la_child_id", flat=True)) == {"GOOD1", "GOOD2"}
    assert report.children_skipped == 5
    by_child = {}
    for problem in report.problems:
        by_child.setdefault(problem.la_child_id, []).append(problem)
    assert set(by_child) == {"BADDATE1", "BADCODE1", "BROKEN1", "OVERLAP1", "WEEKEND1"}
    assert "AssessmentActualStartDate" in by_child["BADDATE1"][0].element
    assert "2025-13-45" in by_child["BADDATE1"][0].message
    assert "ReferralSource" in by_child["BADCODE1"][0].element
    assert "malformed" in by_child["BROKEN1"][0].message
    assert any("overlap" in p.message or "open" in p.message for p in by_child["OVERLAP1"])
    assert any("weekend" in p.message for p in by_child["WEEKEND1"]), by_child["WEEKEND1"]
    # Nothing partial: no record of a skipped child exists.
    assert not Referral.objects.exclude(child__la_child_id__in=["GOOD1", "GOOD2"]).exists()


def test_a_file_that_is_not_xml_reports_and_loads_nothing(db):
    report = census_import(data=b"this is not a census file")
    assert report.problems and report.children_created == 0
    assert snapshot()["Child"] == 0


def test_xml_entities_are_refused(db):
    data = (
        census_file(child_xml("ENTITY1", EPISODE))
        .replace(b"<Message>", b'<!DOCTYPE m [<!ENTITY x "boom">]><Message>')
        .replace(b"<Ethnicity>WBRI", b"<Ethnicity>&x;")
    )
    report = census_import(data=data)
    assert report.children_created == 0
    assert report.problems[0].la_child_id == "ENTITY1"


@pytest.mark.parametrize("command", ["import_cin_census"])
def test_import_command_reports_without_a_traceback(db, tmp_path, command):
    from io import StringIO

    from django.core.management import CommandError, call_command

    path = tmp_path / "census.xml"
    path.write_bytes(
        census_file(child_xml("CMD1", EPISODE), child_xml("CMD2", EPISODE.replace("N1", "N99")))
    )
    out = StringIO()
    # The refused child makes the command fail (tests/reporting/test_commands.py), after it
    # has said what loaded and what did not.
    with pytest.raises(CommandError):
        call_command(command, str(path), stdout=out)
    text = out.getvalue()
    assert "1 new" in text and "1 not loaded" in text
    assert "NOT LOADED child CMD2" in text and "PrimaryNeedCode" in text


def test_dashboard_figures_on_imported_data(db):
    """The dashboard measures count an imported ICPC, plan and reviews like entered ones."""
    from dashboards.measures import Measures, Scope

    census_import(data=census_file(child_xml("DASH1", EPISODE)))
    summary = Measures(
        Scope("authority", "Whole authority"), datetime.date(2025, 6, 1), datetime.date(2025, 9, 30)
    ).summary()
    # ICPC on Fri 20 Jun 2025, target Wed 25 Jun: one held, in timescale.
    assert summary["icpc_held"] == 1
    assert summary["icpc_in_timescale_pct"] == 100.0
    # The plan started on the ICPC date and is open at the end of the period.
    assert summary["children_on_plan_at_start"] == 0
    assert summary["children_on_plan_at_end"] == 1
    assert summary["plans_started"] == 1
    # The first review (18 Sep 2025) is held within 3 months of the ICPC.
    assert summary["reviews_held"] == 1
    assert summary["reviews_in_timescale_pct"] == 100.0


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig", "utf-8"])
def test_a_file_in_utf16_or_utf8_loads(db, encoding):
    text = census_file(child_xml("ENC1", EPISODE), child_xml("ENC2", EPISODE)).decode()
    if encoding.startswith("utf-16"):
        text = text.replace('encoding="utf-8"', 'encoding="UTF-16"')
        if encoding != "utf-16":
            text = "\ufeff" + text  # the byte order mark the plain codec writes itself
    data = text.encode(encoding)

    report = census_import(data=data, source_name="encoded.xml")

    assert report.problems == []
    assert report.year == 2026
    assert report.children_in_file == 2 and report.children_created == 2
    assert Referral.objects.filter(child__la_child_id="ENC2").count() == 1


def test_every_record_made_or_changed_is_audited_as_the_import_user(db):
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    census_import(data=census_file(child_xml("AUDIT1", EPISODE)), source_name="first.xml")
    user = User.objects.get(username=IMPORT_USERNAME)
    made = [row for model in MODELS for row in model.objects.all()]
    entries = LogEntry.objects.filter(actor=user)
    assert entries.count() == len(made) == 9
    for row in made:
        entry = entries.get(content_type=ContentType.objects.get_for_model(row), object_id=row.pk)
        assert entry.action == LogEntry.Action.CREATE
        assert entry.object_pk == str(row.pk) and entry.object_repr == str(row)[:200]
        assert entry.additional_data == {"source": "CIN census import", "file": "first.xml"}
        assert entry.timestamp is not None and entry.changes in ({}, None, "{}")

    closed = EPISODE.replace(
        "<LatestCategoryOfAbuse>", "<CPPendDate>2026-03-12</CPPendDate><LatestCategoryOfAbuse>"
    )
    census_import(data=census_file(child_xml("AUDIT1", closed)), source_name="later.xml")
    plan = ChildProtectionPlan.objects.get()
    update = LogEntry.objects.get(actor=user, action=LogEntry.Action.UPDATE)
    assert update.object_id == plan.pk
    assert update.additional_data["file"] == "later.xml"


CIN_PLAN = (
    "<CINPlanDates><CINPlanStartDate>2025-07-11</CINPlanStartDate>"
    "<CINPlanEndDate>2025-08-01</CINPlanEndDate></CINPlanDates>"
)
SECTION47 = EPISODE[EPISODE.index("<Section47>") : EPISODE.index("</Section47>") + 12]
PLAN = EPISODE[EPISODE.index("<ChildProtectionPlans>") : EPISODE.index("</CINdetails>")]
ASSESSMENT = EPISODE[EPISODE.index("<Assessments>") : EPISODE.index("<Section47>")]
NO_PLAN_EPISODE = EPISODE.replace(PLAN, "")


@pytest.mark.parametrize(
    ("body", "element", "wording"),
    [
        (EPISODE + EPISODE, "CINdetails[2]", "episode referred on 2 Jun 2025"),
        (EPISODE.replace(ASSESSMENT, ASSESSMENT * 2), "Assessments[2]", "assessment started"),
        (EPISODE.replace(SECTION47, SECTION47 * 2), "Section47[2]", "enquiry started"),
        (EPISODE.replace(PLAN, PLAN * 2), "ChildProtectionPlans[2]", "plan started"),
        (
            NO_PLAN_EPISODE.replace("</CINdetails>", CIN_PLAN * 2 + "</CINdetails>"),
            "CINPlanDates[2]",
            "child in need plan started",
        ),
    ],
)
def test_a_record_in_the_file_twice_skips_that_child_and_the_others_load(
    db, body, element, wording
):
    data = census_file(
        child_xml("BEFORE1", EPISODE), child_xml("TWICE1", body), child_xml("AFTER1", EPISODE)
    )

    report = census_import(data=data, source_name="twice.xml")

    assert set(Child.objects.values_list("la_child_id", flat=True)) == {"BEFORE1", "AFTER1"}
    assert report.children_created == 2 and report.children_skipped == 1
    assert [p.la_child_id for p in report.problems] == ["TWICE1"]
    problem = report.problems[0]
    assert element in problem.element
    assert wording in problem.message and "twice" in problem.message
    text = data.decode()
    assert problem.line == text[: text.index("<LAchildID>TWICE1")].count("\n") + 1


def plan_episode(referral: str, s47: str, icpc: str, reviews: list[str]) -> str:
    dates = "".join(f"<CPPreviewDate>{d}</CPPreviewDate>" for d in reviews)
    return f"""<CINdetails><CINreferralDate>{referral}</CINreferralDate>
<ReferralSource>2A</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode><ReferralNFA>0</ReferralNFA>
<Section47><S47ActualStartDate>{s47}</S47ActualStartDate><DateOfInitialCPC>{icpc}</DateOfInitialCPC>
<ICPCnotRequired>0</ICPCnotRequired></Section47>
<ChildProtectionPlans><CPPstartDate>{icpc}</CPPstartDate>
<InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse><LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse>
<NumberOfPreviousCPP>0</NumberOfPreviousCPP><Reviews>{dates}</Reviews></ChildProtectionPlans>
</CINdetails>"""


def review_targets(la_id: str) -> list[tuple]:
    return list(
        Conference.objects.filter(child__la_child_id=la_id, conference_type="review")
        .order_by("held_on")
        .values_list("held_on", "target_date")
    )


def test_an_imported_plan_from_an_earlier_year_has_no_first_review_target(db):
    """The return for the year to 31 Mar 2026 lists the reviews held from 1 Apr 2025. A plan
    that began on Mon 7 Oct 2024 had its first review before then (not in the file): its first
    review in the file is not its first review, and its target is not known. The next one is
    due 6 months after it: Tue 10 Jun 2025 + 6 months is Wed 10 Dec 2025."""
    episode = plan_episode("2024-09-02", "2024-09-03", "2024-10-07", ["2025-06-10", "2025-12-04"])
    report = census_import(data=census_file(child_xml("OLD1", episode)))
    assert report.problems == []
    d = datetime.date
    assert review_targets("OLD1") == [
        (d(2025, 6, 10), None),
        (d(2025, 12, 4), d(2025, 12, 10)),
    ]
    from dashboards.measures import Measures, Scope

    summary = Measures(Scope("authority", "Whole authority"), d(2025, 4, 1), d(2026, 3, 31))
    summary = summary.summary()
    # Two reviews held; the one whose target is not known is neither in time nor late.
    assert summary["reviews_held"] == 2
    assert summary["reviews_in_timescale_pct"] == 100.0


def test_an_imported_plan_of_the_year_keeps_its_first_review_target(db):
    """A plan that began in the return's year: its first review in the file is its first.
    ICPC Fri 20 Jun 2025 + 3 months is Saturday 20 Sep 2025: due Friday 19 Sep, so the review
    on Wed 1 Oct 2025 was late."""
    episode = plan_episode("2025-06-02", "2025-06-04", "2025-06-20", ["2025-10-01"])
    census_import(data=census_file(child_xml("NEW1", episode)))
    d = datetime.date
    assert review_targets("NEW1") == [(d(2025, 10, 1), d(2025, 9, 19))]


def test_an_imported_review_within_the_first_review_timescale_is_the_first(db):
    """A plan that began on Mon 3 Feb 2025, before the year: its review on Mon 28 Apr 2025 is
    within 3 months of the ICPC (Sat 3 May, so Fri 2 May), and no review can have come before
    it: the first review target applies."""
    episode = plan_episode("2025-01-06", "2025-01-08", "2025-02-03", ["2025-04-28"])
    census_import(data=census_file(child_xml("EARLY1", episode)))
    d = datetime.date
    assert review_targets("EARLY1") == [(d(2025, 4, 28), d(2025, 5, 2))]
