"""Annex A's sheets and headings pinned to Ofsted's template, list by list, in order, with the
headings the template requires a value in.

Source of the headings (transcribed, not copied code): Social Finance's LIIA tools, the Annex A
schema that maps an authority's Annex A onto Ofsted's template,
github.com/SocialFinanceDigitalLabs/liia-tools, branch annex_a_pipeline,
liiatools/annex_a_pipeline/spec/Annex_A_schema.yml (blob 60c6d890, 13 Nov 2023): the keys under
each "List N" are the template's headings in order; "canbeblank: false" marks a heading that
needs a value. Its "Date of referral" entry lost its anchor to a regex line, so the not-blank
rule is taken from the same repository's earlier liiatools/spec/annex_a/annex-a-merge.yml
("Date of referral: canbeblank: false"). That earlier file and its sample workbook
(spec/annex_a/samples/Annex_A.xlsx) have the 2021 List 9, without the UASC, personal adviser,
pathway plan review and latest contact columns the current template added.
"""

import datetime
import io

import pytest
from openpyxl import load_workbook

from reporting.annex_a import LISTS, NOT_HELD, annex_a_build, annex_a_workbook

TEMPLATE = {
    "List 1": [
        "Child Unique ID",
        "Gender",
        "Ethnicity",
        "Date of Birth",
        "Age of Child (Years)",
        "Date of Contact",
        "Contact Source",
    ],
    "List 2": [
        "Child Unique ID",
        "Gender",
        "Ethnicity",
        "Date of Birth",
        "Age of Child (Years)",
        "Assessment start date",
        "Assessment completion date",
        "Organisation completing assessment",
    ],
    "List 3": [
        "Child Unique ID",
        "Gender",
        "Ethnicity",
        "Date of Birth",
        "Age of Child (Years)",
        "Date of referral",
        "Referral Source",
        "Referral NFA?",
        "Number of Referrals in Last 12 Months",
        "Allocated Team",
        "Allocated Worker",
    ],
    "List 4": [
        "Child Unique ID",
        "Gender",
        "Ethnicity",
        "Date of Birth",
        "Age of Child (Years)",
        "Does the Child have a Disability",
        "Continuous Assessment Start Date",
        "Child Seen During Continuous Assessment",
        "Continuous Assessment Date of Authorisation",
        "Was the child assessed as requiring LA children's social care support?",
        "Allocated Team",
        "Allocated Worker",
    ],
    "List 5": [
        "Child Unique ID",
        "Gender",
        "Ethnicity",
        "Date of Birth",
        "Age of Child (Years)",
        "Does the Child have a Disability",
        "Strategy discussion initiating Section 47 Enquiry Start Date",
        "Was an Initial Child Protection Conference deemed unnecessary?",
        "Date of Initial Child Protection Conference",
        "Did the Initial Child Protection Conference Result in a Child Protection Plan",
        "Number of Section 47 Enquiries in the last 12 months",
        "Number of ICPCs in the last 12 months",
        "Allocated Team",
        "Allocated Worker",
    ],
    "List 6": [
        "Child Unique ID",
        "Gender",
        "Ethnicity",
        "Date of Birth",
        "Age of Child (Years)",
        "Does the Child have a Disability",
        "CIN Start Date",
        "Primary Need Code",
        "Date Child Was Last Seen",
        "CIN Closure Date",
        "Reason for Closure",
        "Case Status",
        "Allocated Team",
        "Allocated Worker",
    ],
    "List 7": [
        "Child Unique ID",
        "Gender",
        "Ethnicity",
        "Date of Birth",
        "Age of Child (Years)",
        "Does the Child have a Disability",
        "Child Protection Plan Start Date",
        "Initial Category of Abuse",
        "Latest Category of Abuse",
        "Date of the Last Statutory Visit",
        "Was the Child Seen Alone?",
        "Date of latest review conference",
        "Child Protection Plan End Date",
        "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)",  # noqa: E501
        "Number of Previous Child Protection Plans",
        "Allocated Team",
        "Allocated Worker",
    ],
    "List 8": [
        "Child Unique ID",
        "Gender",
        "Ethnicity",
        "Date of Birth",
        "Age of Child (Years)",
        "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)",
        "Does the Child have a Disability",
        "Date Started to be Looked After",
        "Child's Category of Need",
        "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)",  # noqa: E501
        "Start date of current legal status",
        "Child's Legal Status",
        "Date of Latest Statutory Review",
        "Date of Last Social Work Visit",
        "What is the permanence plan for this child?",
        "Date of Last IRO Visit / Contact to the Child",
        "Date of Last Health Assessment",
        "Date of Last Dental Check",
        "Number of Placements in the Last 12 months",
        "Date Ceased to be Looked After",
        "Reason Ceased to be Looked After",
        "Start Date of Most Recent Placement",
        "Placement Type",
        "Placement Provider",
        "Placement postcode",
        "URN of Placement",
        "Placement Location",
        "LA of Placement",
        "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months",  # noqa: E501
        "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months",
        "Was the child offered a Return Interview after their last missing episode (Y/N)?",
        "Did the child accept a Return Interview after their last missing episode (Y/N)?",
        "Allocated Team",
        "Allocated Worker",
    ],
    "List 9": [
        "Child Unique ID",
        "Gender",
        "Ethnicity",
        "Date of Birth",
        "Age of Child (Years)",
        "Unaccompanied Asylum Seeking Child (UASC), or formerly UASC if 18 or over (Y/N)",
        "Does the Child have a Disability",
        "Allocated Team",
        "Allocated Worker",
        "Allocated Personal Advisor",
        "Eligibility Category",
        "Latest Pathway Plan Review Date",
        "LA in Touch",
        "Latest Date of Contact",
        "Type of Accommodation",
        "Suitability of Accommodation",
        "Activity Status",
    ],
    "List 10": [
        "Child Unique ID",
        "Family identifier",
        "Gender",
        "Ethnicity",
        "Date of Birth",
        "Age of Child (Years)",
        "Does the Child have a Disability",
        "Date the Child Entered Care",
        "Date of Decision that Child Should be Placed for Adoption",
        "Date of Placement Order",
        "Date of Matching Child and Prospective Adopters",
        "Date Placed for Adoption",
        "Date of Adoption Order",
        "Date of Decision that Child Should No Longer be Placed for Adoption",
        "Reason Why Child No Longer Placed for Adoption",
        "Date the child was placed for fostering in FFA or concurrent planning placement",
    ],
    "List 11": [
        "Individual adopter identifier",
        "Family identifier",
        "Gender",
        "Ethnicity",
        "Disability",
        "Is the (prospective) adopter fostering for adoption?",
        "Date enquiry received",
        "Date Stage 1 started",
        "Date Stage 1 ended",
        "Date Stage 2 started",
        "Date Stage 2 ended",
        "Date application submitted",
        "Date application approved",
        "Date adopter matched with child(ren)",
        "Date child/children placed with adopter(s)",
        "No. of children placed",
        "Date of Adoption Order",
        "Date of leaving adoption process",
        "Reason for leaving adoption process",
    ],
}
NOT_BLANK = {
    "List 1": frozenset(
        {
            "Child Unique ID",
            "Gender",
            "Ethnicity",
            "Date of Contact",
            "Contact Source",
        }
    ),
    "List 2": frozenset(
        {
            "Child Unique ID",
            "Gender",
            "Ethnicity",
            "Assessment start date",
            "Organisation completing assessment",
        }
    ),
    "List 3": frozenset(
        {
            "Child Unique ID",
            "Gender",
            "Ethnicity",
            "Date of referral",
            "Referral Source",
            "Referral NFA?",
            "Number of Referrals in Last 12 Months",
            "Allocated Team",
            "Allocated Worker",
        }
    ),
    "List 4": frozenset(
        {
            "Child Unique ID",
            "Gender",
            "Ethnicity",
            "Does the Child have a Disability",
            "Continuous Assessment Start Date",
            "Child Seen During Continuous Assessment",
            "Allocated Team",
            "Allocated Worker",
        }
    ),
    "List 5": frozenset(
        {
            "Child Unique ID",
            "Gender",
            "Ethnicity",
            "Does the Child have a Disability",
            "Strategy discussion initiating Section 47 Enquiry Start Date",
            "Number of Section 47 Enquiries in the last 12 months",
            "Number of ICPCs in the last 12 months",
            "Allocated Team",
            "Allocated Worker",
        }
    ),
    "List 6": frozenset(
        {
            "Child Unique ID",
            "Gender",
            "Ethnicity",
            "Does the Child have a Disability",
            "Primary Need Code",
            "Case Status",
            "Allocated Team",
            "Allocated Worker",
        }
    ),
    "List 7": frozenset(
        {
            "Child Unique ID",
            "Gender",
            "Ethnicity",
            "Does the Child have a Disability",
            "Child Protection Plan Start Date",
            "Initial Category of Abuse",
            "Latest Category of Abuse",
            "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)",  # noqa: E501
            "Number of Previous Child Protection Plans",
            "Allocated Team",
            "Allocated Worker",
        }
    ),
    "List 8": frozenset(
        {
            "Child Unique ID",
            "Gender",
            "Ethnicity",
            "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)",
            "Does the Child have a Disability",
            "Date Started to be Looked After",
            "Child's Category of Need",
            "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)",  # noqa: E501
            "Start date of current legal status",
            "Child's Legal Status",
            "Number of Placements in the Last 12 months",
            "Start Date of Most Recent Placement",
            "Placement Type",
            "Placement Provider",
            "Placement postcode",
            "Placement Location",
            "LA of Placement",
            "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months",  # noqa: E501
            "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months",  # noqa: E501
            "Allocated Team",
            "Allocated Worker",
        }
    ),
    "List 9": frozenset(
        {
            "Child Unique ID",
            "Gender",
            "Ethnicity",
            "Does the Child have a Disability",
            "Allocated Team",
            "Allocated Worker",
            "Allocated Personal Advisor",
            "Eligibility Category",
            "LA in Touch",
        }
    ),
    "List 10": frozenset(
        {
            "Child Unique ID",
            "Gender",
            "Ethnicity",
            "Does the Child have a Disability",
            "Date the Child Entered Care",
            "Date of Decision that Child Should be Placed for Adoption",
        }
    ),
    "List 11": frozenset(
        {
            "Individual adopter identifier",
            "Gender",
            "Ethnicity",
            "Disability",
            "Is the (prospective) adopter fostering for adoption?",
            "Date enquiry received",
        }
    ),
}


def test_every_list_of_the_template_is_declared_in_order():
    assert [f"List {spec.number}" for spec in LISTS] == list(TEMPLATE)


@pytest.mark.parametrize("spec", LISTS, ids=lambda s: f"List {s.number}")
def test_headings_are_the_templates_in_order(spec):
    assert spec.columns == TEMPLATE[f"List {spec.number}"]


@pytest.mark.parametrize("spec", LISTS, ids=lambda s: f"List {s.number}")
def test_required_headings_are_the_templates(spec):
    assert spec.required == NOT_BLANK[f"List {spec.number}"]


def test_the_workbook_has_each_lists_sheet_and_headings(db):
    lists = annex_a_build(as_of=datetime.date(2026, 3, 31))
    book = load_workbook(io.BytesIO(annex_a_workbook(lists)))
    assert book.sheetnames == [*TEMPLATE, "About"]
    for name, headings in TEMPLATE.items():
        assert [c.value for c in book[name][1]] == headings, name
    # Children in care, care leavers and adoption: the headings and a note, no records.
    for name in ("List 8", "List 9", "List 10", "List 11"):
        assert book[name].max_row == 1
        assert book[name]["A1"].comment.text == NOT_HELD
