"""Contacts in the statutory returns: Annex A List 1 lists every contact; the CIN census holds
only the contacts that became referrals, and still passes the DfE rules."""

import datetime

from defusedxml import ElementTree as SafeET

from frontdoor.services import contact_decide
from reporting.annex_a import annex_a_build
from reporting.census_export import census_export
from tests.frontdoor.helpers import contact_for
from tests.reporting.casework import _assess, _child, _close, at

D = datetime.date


def record_contacts(world):
    """Children known only through contacts that were not referrals, and one contact that
    became a referral (assessed and closed, as the casework does)."""
    sw, tm = world.social_worker, world.team_manager
    only_contacts = []
    for la_id, decision, day in [
        ("CWCONTNFA1", "nfa", D(2025, 10, 6)),
        ("CWCONTADV1", "advice", D(2025, 11, 3)),
        ("CWCONTFH1", "family_help", D(2026, 1, 12)),
        ("CWCONTWAIT1", "", D(2026, 3, 2)),
    ]:
        child = _child(sw, la_id, date_of_birth=D(2017, 6, 1))
        contact = contact_for(child, sw, received_at=at(day, 11), source="1A")
        if decision:
            contact_decide(
                contact=contact,
                user=tm,
                decision=decision,
                reason="Weighed up.",
                family_help_team=world.other_team,
            )
        only_contacts.append(la_id)
    referred = _child(sw, "CWCONTREF1", date_of_birth=D(2013, 2, 3))
    contact = contact_for(referred, sw, received_at=at(D(2025, 10, 13), 9), source="2A")
    contact_decide(
        contact=contact, user=tm, decision="referral", reason="Threshold met.", primary_need="N1"
    )
    referral = contact.referral
    _assess(referred, referral, sw, tm, D(2025, 10, 14), D(2025, 11, 28), ("3B",), "nfa")
    _close(referral, sw, D(2025, 12, 1), "RC8")
    # A second contact on the referred child, later, decided no further action.
    later = contact_for(referred, sw, received_at=at(D(2026, 2, 2), 10), source="6")
    contact_decide(contact=later, user=tm, decision="nfa", reason="Known, no new concern.")
    return only_contacts


def test_contacts_that_are_not_referrals_never_reach_the_census(world):
    only_contacts = record_contacts(world)
    _census, xml = census_export(year=2026)
    root = SafeET.fromstring(xml)
    ids = {c.findtext("ChildIdentifiers/LAchildID") for c in root.iter("Child")}
    assert "CWCONTREF1" in ids
    assert not ids & set(only_contacts)
    referred = next(
        c for c in root.iter("Child") if c.findtext("ChildIdentifiers/LAchildID") == "CWCONTREF1"
    )
    episodes = referred.findall("CINdetails")
    assert [e.findtext("CINreferralDate") for e in episodes] == ["2025-10-13"]
    assert [e.findtext("ReferralSource") for e in episodes] == ["2A"]


def test_annex_a_list_1_lists_every_contact_in_the_six_months(world):
    record_contacts(world)
    lists = {a.number: a for a in annex_a_build(as_of=D(2026, 3, 31))}
    rows = lists[1].rows
    assert [(r[0], r[5], r[6]) for r in rows] == [
        ("CWCONTNFA1", D(2025, 10, 6), "a) 1A: Individual"),
        ("CWCONTREF1", D(2025, 10, 13), "e) 2A: Schools"),
        ("CWCONTADV1", D(2025, 11, 3), "a) 1A: Individual"),
        ("CWCONTFH1", D(2026, 1, 12), "a) 1A: Individual"),
        ("CWCONTREF1", D(2026, 2, 2), "q) 6: Police"),
        ("CWCONTWAIT1", D(2026, 3, 2), "a) 1A: Individual"),
    ]
    # Only the contact that became a referral is in List 3.
    assert [r[0] for r in lists[3].rows] == ["CWCONTREF1"]
    # Six months before 31 March 2026 start on 1 October 2025; 31 January 2026 drops October.
    later = {a.number: a for a in annex_a_build(as_of=D(2026, 4, 30))}
    assert [r[0] for r in later[1].rows][:1] == ["CWCONTADV1"]
