"""From the family view a social worker records a mother's alias and the end of her
parental responsibility (issue 19); every page passes axe."""

import re

import pytest
from playwright.sync_api import expect

from cases.family_people import link_family
from people.models import Person, PersonName
from people.models import Relationship as Link
from tests.cases.factories import FamilyMemberFactory

from .pages import tab

pytestmark = pytest.mark.e2e


def test_an_alias_and_a_relationship_are_changed_from_the_family_view(app, world):
    child = world.child
    FamilyMemberFactory(
        child=child, first_name="Jade", last_name="Testwood", relationship="mother", sex="F"
    )
    link_family()
    jade = Person.objects.get(first_name="Jade")
    sw = app.sign_in(world.social_worker)
    sw.goto(f"/children/{child.pk}/")
    app.check(sw, "Summary")
    tab(sw, "Siblings and family")
    app.check(sw, "Siblings and family")
    table = sw.get_by_role("table", name=re.compile("^People of the family"))
    table.get_by_role("link", name="Other names of Jade Testwood").click()
    app.check(sw, "Other names")
    new_name = sw.get_by_role("group", name="Add a name")
    new_name.get_by_label("Kind of name").select_option(label="Alias")
    new_name.get_by_label("First name").fill("Jay")
    new_name.get_by_label("Last name").fill("Smith")
    sw.get_by_role("button", name="Save").click()
    expect(sw.get_by_role("status")).to_contain_text("other names were saved")
    assert [str(n) for n in PersonName.objects.filter(person=jade)] == ["Jay Smith"]

    table = sw.get_by_role("table", name=re.compile("^People of the family"))
    table.get_by_role("link", name=re.compile("change the relationship with Jade")).click()
    app.check(sw, "Relationship")
    sw.get_by_label("Has parental responsibility").uncheck()
    sw.get_by_label("Until").fill("2026-10-01")
    sw.get_by_role("button", name="Save").click()
    expect(sw.get_by_role("status")).to_contain_text("was saved")
    app.check(sw, "Siblings and family (changed)")
    link = Link.objects.get(person=jade)
    assert not link.parental_responsibility and link.end_date is not None
