import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.forms.family import FamilyMemberForm
from cases.genogram import build_genogram
from tests.cases.factories import ChildFactory, FamilyMemberFactory
from tests.personas import PERSONAS

SVG = "{http://www.w3.org/2000/svg}"
TODAY = datetime.date(2026, 6, 1)
VIEWERS = {"social_worker", "same_team_worker", "team_manager", "senior_manager"}


def genogram_page(client, child) -> str:
    response = client.get(reverse("cases:genogram", args=[child.pk]))
    assert response.status_code == 200
    return response.content.decode()


def parse_svg(content: str) -> ET.Element:
    match = re.search(r'<svg [^>]*class="genogram".*?</svg>', content, re.DOTALL)
    assert match, "no genogram SVG in the page"
    return xml(match.group(0))


def xml(text: str) -> ET.Element:
    return ET.fromstring(text)  # noqa: S314 - the app's own output, in a test


def person(svg: ET.Element, member_or_key) -> ET.Element:
    key = member_or_key if isinstance(member_or_key, str) else f"m{member_or_key.pk}"
    found = svg.find(f".//{SVG}g[@id='genogram-{key}']")
    assert found is not None, f"{key} is not drawn"
    return found


def shapes(group: ET.Element) -> list[str]:
    return [child.tag.removeprefix(SVG) for child in group if child.tag != f"{SVG}title"]


def symbol_y(group: ET.Element) -> float:
    shape = next(c for c in group if c.tag in (f"{SVG}rect", f"{SVG}circle", f"{SVG}polygon"))
    if shape.tag == f"{SVG}rect":
        return float(shape.get("y"))
    if shape.tag == f"{SVG}circle":
        return float(shape.get("cy")) - float(shape.get("r"))
    return float(shape.get("points").split()[0].split(",")[1])


def symbol_centre(group: ET.Element) -> tuple[float, float]:
    shape = next(c for c in group if c.tag in (f"{SVG}rect", f"{SVG}circle", f"{SVG}polygon"))
    if shape.tag == f"{SVG}circle":
        return float(shape.get("cx")), float(shape.get("cy"))
    if shape.tag == f"{SVG}rect":
        return (
            float(shape.get("x")) + float(shape.get("width")) / 2,
            float(shape.get("y")) + float(shape.get("height")) / 2,
        )
    points = [tuple(map(float, p.split(","))) for p in shape.get("points").split()]
    return points[0][0], (points[0][1] + points[2][1]) / 2


def polygons(path_d: str) -> list[list[tuple[float, float]]]:
    loops = []
    for part in path_d.split("Z"):
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", part)]
        if numbers:
            loops.append(list(zip(numbers[::2], numbers[1::2], strict=True)))
    return loops


def inside(point: tuple[float, float], loops) -> bool:
    x, y = point
    crossings = 0
    for loop in loops:
        for (x1, y1), (x2, y2) in zip(loop, loop[1:] + loop[:1], strict=True):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                crossings += 1
    return crossings % 2 == 1


@pytest.fixture
def family(world):
    """A family with the relationships the notation has to show."""
    child = world.child
    mother = FamilyMemberFactory(
        child=child, first_name="Mara", last_name="Test", sex="F", relationship="mother"
    )
    father = FamilyMemberFactory(
        child=child,
        first_name="Rob",
        last_name="Away",
        sex="M",
        relationship="father",
        lives_with_child=False,
        partner=mother,
        partnership_status="divorced",
    )
    stepfather = FamilyMemberFactory(
        child=child,
        first_name="Sam",
        last_name="Step",
        sex="M",
        relationship="step_parent",
        partner=mother,
        partnership_status="partners",
    )
    sister = FamilyMemberFactory(
        child=child,
        first_name="Cara",
        last_name="Test",
        sex="F",
        relationship="sibling",
        date_of_birth=datetime.date(2012, 1, 1),
    )
    half_brother = FamilyMemberFactory(
        child=child,
        first_name="Dan",
        last_name="Away",
        sex="M",
        relationship="half_sibling",
        lives_with_child=False,
    )
    grandfather = FamilyMemberFactory(
        child=child,
        first_name="Grandad",
        last_name="Test",
        sex="M",
        relationship="grandfather",
        lives_with_child=False,
        is_deceased=True,
        date_of_death=datetime.date(2019, 2, 2),
        date_of_birth=datetime.date(1950, 5, 5),
    )
    grandmother = FamilyMemberFactory(
        child=child,
        first_name="Gran",
        last_name="Test",
        sex="F",
        relationship="grandmother",
        lives_with_child=False,
        partner=grandfather,
        partnership_status="separated",
    )
    friend = FamilyMemberFactory(
        child=child,
        first_name="Pat",
        last_name="Friend",
        sex="U",
        relationship="family_friend",
        lives_with_child=False,
        parental_responsibility=False,
    )
    return {
        "mother": mother,
        "father": father,
        "stepfather": stepfather,
        "sister": sister,
        "half_brother": half_brother,
        "grandfather": grandfather,
        "grandmother": grandmother,
        "friend": friend,
    }


# --- access -----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_genogram_is_shown_only_to_those_who_may_see_the_child(world, login, persona):
    FamilyMemberFactory(child=world.child, first_name="Mina", relationship="mother")
    response = login(world.persona(persona)).get(reverse("cases:genogram", args=[world.child.pk]))
    if persona == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))
    else:
        assert response.status_code == (200 if persona in VIEWERS else 404)
    if response.status_code == 200:
        assert "Mina" in response.content.decode()


def test_genogram_page_refuses_post(world, login):
    response = login(world.social_worker).post(reverse("cases:genogram", args=[world.child.pk]))
    assert response.status_code == 405


# --- notation ---------------------------------------------------------------------------------


def test_males_are_squares_females_circles_and_unknown_sex_diamonds(world, login, family):
    svg = parse_svg(genogram_page(login(world.social_worker), world.child))
    assert shapes(person(svg, family["father"]))[0] == "rect"
    assert shapes(person(svg, family["mother"]))[0] == "circle"
    friend = person(svg, family["friend"])
    assert shapes(friend)[0] == "polygon"
    assert any(t.text == "?" for t in friend.iter(f"{SVG}text"))


def test_the_child_has_a_double_outline(world, login, family):
    svg = parse_svg(genogram_page(login(world.social_worker), world.child))
    child = person(svg, "child")
    assert "subject" in child.get("class")
    # world.child is female: two circles, one inside the other.
    circles = child.findall(f"{SVG}circle")
    assert len(circles) == 2
    assert float(circles[1].get("r")) < float(circles[0].get("r"))
    assert len(person(svg, family["mother"]).findall(f"{SVG}circle")) == 1


def test_a_deceased_person_has_a_cross_through_the_symbol(world, login, family):
    svg = parse_svg(genogram_page(login(world.social_worker), world.child))
    cross = person(svg, family["grandfather"]).find(f"{SVG}g[@class='deceased']")
    assert cross is not None
    lines = cross.findall(f"{SVG}line")
    assert len(lines) == 2
    # The two strokes cross: one falls left to right, the other right to left.
    slopes = {
        (float(ln.get("x2")) - float(ln.get("x1"))) * (float(ln.get("y2")) - float(ln.get("y1")))
        > 0
        for ln in lines
    }
    assert slopes == {True, False}
    assert person(svg, family["grandmother"]).find(f"{SVG}g[@class='deceased']") is None
    assert "Died 2019, aged 68" in ET.tostring(person(svg, family["grandfather"]), "unicode")


def partnership(svg, a, b) -> ET.Element:
    for group in svg.iter(f"{SVG}g"):
        if group.get("class") == "partnership" and set(group.get("data-people").split()) == {
            f"m{a.pk}",
            f"m{b.pk}",
        }:
            return group
    raise AssertionError(f"no partnership line between {a} and {b}")


def test_partners_are_joined_with_slashes_for_separation_and_divorce(world, login, family):
    svg = parse_svg(genogram_page(login(world.social_worker), world.child))
    together = partnership(svg, family["mother"], family["stepfather"])
    assert together.get("data-status") == "partners"
    assert len(together.findall(f"{SVG}line")) == 1
    assert together.find(f"{SVG}line").get("stroke-dasharray") is None
    separated = partnership(svg, family["grandmother"], family["grandfather"])
    assert len(separated.findall(f"{SVG}line")) == 2  # the line and one slash
    divorced = partnership(svg, family["mother"], family["father"])
    assert len(divorced.findall(f"{SVG}line")) == 3  # the line and two slashes
    # Nobody else is joined.
    count = sum(1 for g in svg.iter(f"{SVG}g") if g.get("class") == "partnership")
    assert count == 3


def test_parents_without_a_recorded_relationship_are_joined_by_a_dotted_line(world, login):
    mother = FamilyMemberFactory(child=world.child, relationship="mother", sex="F")
    father = FamilyMemberFactory(child=world.child, relationship="father", sex="M")
    svg = parse_svg(genogram_page(login(world.social_worker), world.child))
    line = partnership(svg, mother, father)
    assert line.get("data-status") == "not-recorded"
    assert line.find(f"{SVG}line").get("stroke-dasharray")


def descents(svg) -> dict[str, ET.Element]:
    return {g.get("data-parents"): g for g in svg.iter(f"{SVG}g") if g.get("class") == "descent"}


def line_ends(group: ET.Element) -> set[tuple[float, float]]:
    ends = set()
    for ln in group.findall(f"{SVG}line"):
        ends.add((float(ln.get("x1")), float(ln.get("y1"))))
        ends.add((float(ln.get("x2")), float(ln.get("y2"))))
    return ends


def touches_top(group: ET.Element, drawn: ET.Element) -> bool:
    x, _ = symbol_centre(drawn)
    return (x, symbol_y(drawn)) in line_ends(group)


def test_the_child_and_full_siblings_hang_from_both_parents(world, login, family):
    svg = parse_svg(genogram_page(login(world.social_worker), world.child))
    parents = f"m{family['father'].pk} m{family['mother'].pk}"
    lines = descents(svg)
    assert parents in lines
    assert touches_top(lines[parents], person(svg, "child"))
    assert touches_top(lines[parents], person(svg, family["sister"]))
    assert not touches_top(lines[parents], person(svg, family["half_brother"]))


def test_a_half_sibling_hangs_from_one_parent(world, login, family):
    svg = parse_svg(genogram_page(login(world.social_worker), world.child))
    # Dan shares the father's surname, so he is drawn as the father's child.
    line = descents(svg)[f"m{family['father'].pk}"]
    assert touches_top(line, person(svg, family["half_brother"]))
    assert not touches_top(line, person(svg, "child"))


def text_list(content: str) -> str:
    return content[content.index("People in the genogram") :]


def test_a_recorded_shared_parent_overrides_the_surname_guess(world, login, family):
    # Dan shares the father's surname, but the record says he is the mother's son.
    family["half_brother"].through_parent = family["mother"]
    family["half_brother"].save()
    content = genogram_page(login(world.social_worker), world.child)
    svg = parse_svg(content)
    lines = descents(svg)
    assert touches_top(lines[f"m{family['mother'].pk}"], person(svg, family["half_brother"]))
    assert f"m{family['father'].pk}" not in lines
    # Drawn on the mother's side: right of the child, as the father is on the left.
    assert (
        symbol_centre(person(svg, family["half_brother"]))[0]
        > symbol_centre(person(svg, "child"))[0]
    )
    listing = text_list(content)
    assert "child of Mara Test" in listing
    assert "drawn as the child of" not in listing


def test_a_half_sibling_with_no_recorded_parent_is_still_a_guess(world, login, family):
    listing = text_list(genogram_page(login(world.social_worker), world.child))
    assert "drawn as the child of Rob Away" in listing


def link_grandparents(family, parent) -> None:
    for name in ["grandfather", "grandmother"]:
        family[name].through_parent = family[parent]
        family[name].save()


def test_grandparents_recorded_as_the_fathers_parents_are_drawn_above_him(world, login, family):
    link_grandparents(family, "father")
    content = genogram_page(login(world.social_worker), world.child)
    svg = parse_svg(content)
    grandfather = symbol_centre(person(svg, family["grandfather"]))
    grandmother = symbol_centre(person(svg, family["grandmother"]))
    father = person(svg, family["father"])
    # A couple (still joined by their separated line), centred over the father.
    assert grandfather[1] == grandmother[1] < symbol_centre(father)[1]
    assert grandfather[0] < grandmother[0]
    assert (grandfather[0] + grandmother[0]) / 2 == symbol_centre(father)[0]
    assert partnership(svg, family["grandmother"], family["grandfather"]).get("data-status") == (
        "separated"
    )
    # A line from the middle of their partnership line down to the top of the father.
    line = descents(svg)[f"m{family['grandfather'].pk} m{family['grandmother'].pk}"]
    assert touches_top(line, father)
    assert not touches_top(line, person(svg, family["mother"]))
    assert ((grandfather[0] + grandmother[0]) / 2, grandfather[1]) in line_ends(line)
    listing = text_list(content)
    assert "Grandfather; male;" in listing
    assert "father of Rob Away" in listing
    assert "mother of Rob Away" in listing


def test_each_parents_parents_are_drawn_on_their_side_without_overlapping(world, login, family):
    link_grandparents(family, "mother")
    fathers_mother = FamilyMemberFactory(
        child=world.child,
        first_name="Nan",
        last_name="Away",
        sex="F",
        relationship="grandmother",
        through_parent=family["father"],
    )
    fathers_father = FamilyMemberFactory(
        child=world.child,
        first_name="Pop",
        last_name="Away",
        sex="M",
        relationship="grandfather",
        through_parent=family["father"],
    )
    unlinked = FamilyMemberFactory(
        child=world.child, first_name="Great", sex="F", relationship="grandmother"
    )
    content = genogram_page(login(world.social_worker), world.child)
    svg = parse_svg(content)
    row = [fathers_father, fathers_mother, family["grandfather"], family["grandmother"], unlinked]
    xs = [symbol_centre(person(svg, m))[0] for m in row]
    assert len({symbol_y(person(svg, m)) for m in row}) == 1
    # Nobody overlaps anybody: symbols and labels need two half-slots (150 units).
    assert all(b - a >= 150 for a, b in zip(sorted(xs), sorted(xs)[1:], strict=False))
    assert max(xs[:2]) < min(xs[2:4])  # the father's parents on his side (the left)
    lines = descents(svg)
    assert touches_top(
        lines[f"m{fathers_father.pk} m{fathers_mother.pk}"], person(svg, family["father"])
    )
    assert touches_top(
        lines[f"m{family['grandfather'].pk} m{family['grandmother'].pk}"],
        person(svg, family["mother"]),
    )
    assert not any(f"m{unlinked.pk}" in key.split() for key in lines)
    # Nan and Pop's relationship is not recorded: a dotted line, and the list says so.
    dotted = partnership(svg, fathers_father, fathers_mother)
    assert dotted.get("data-status") == "not-recorded"
    assert dotted.find(f"{SVG}line").get("stroke-dasharray")
    listing = text_list(content)
    assert "parent of Rob Away with Nan Away (their relationship is not recorded)" in listing
    assert "mother of Mara Test" in listing


def test_a_single_recorded_grandparent_hangs_the_line_from_below_their_name(world, login, family):
    family["grandmother"].through_parent = family["mother"]
    family["grandmother"].save()
    svg = parse_svg(genogram_page(login(world.social_worker), world.child))
    line = descents(svg)[f"m{family['grandmother'].pk}"]
    assert touches_top(line, person(svg, family["mother"]))
    x, y = symbol_centre(person(svg, family["grandmother"]))
    assert any(end[0] == x and end[1] > y + 40 for end in line_ends(line))


def test_aunts_and_uncles_are_named_with_the_parent_they_are_related_through(world, login, family):
    FamilyMemberFactory(
        child=world.child,
        first_name="Ann",
        sex="F",
        relationship="aunt",
        through_parent=family["father"],
    )
    listing = text_list(genogram_page(login(world.social_worker), world.child))
    assert "related through Rob Away (father)" in listing


def test_the_same_family_with_recorded_parents_draws_the_same_svg(world, family):
    link_grandparents(family, "father")
    family["half_brother"].through_parent = family["mother"]
    family["half_brother"].save()
    members = list(world.child.family.all())
    first = build_genogram(world.child, members, today=TODAY).svg
    second = build_genogram(world.child, list(reversed(members)), today=TODAY).svg
    assert first == second


def test_generations_are_drawn_top_to_bottom_with_others_in_their_own_row(world, login, family):
    svg = parse_svg(genogram_page(login(world.social_worker), world.child))
    y = {name: symbol_y(person(svg, member)) for name, member in family.items()}
    y["child"] = symbol_y(person(svg, "child"))
    assert y["grandfather"] == y["grandmother"] < y["mother"] == y["father"] == y["stepfather"]
    assert y["mother"] < y["child"] == y["sister"] == y["half_brother"] < y["friend"]
    labels = [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "row-label"]
    assert labels == ["Grandparents", "Parents", "Child, siblings", "Others, carers"]


def test_the_household_is_enclosed_by_a_dashed_line(world, login, family):
    svg = parse_svg(genogram_page(login(world.social_worker), world.child))
    boundary = svg.find(f".//{SVG}path[@class='household']")
    assert boundary is not None
    assert boundary.get("stroke-dasharray")
    assert boundary.get("fill") == "none"
    loops = polygons(boundary.get("d"))
    living_with = ["mother", "stepfather", "sister"]  # the factory default lives with the child
    for name in living_with:
        assert inside(symbol_centre(person(svg, family[name])), loops), name
    assert inside(symbol_centre(person(svg, "child")), loops)
    for name in ["father", "half_brother", "grandfather", "grandmother", "friend"]:
        assert not inside(symbol_centre(person(svg, family[name])), loops), name


def test_names_and_ages_are_shown_under_each_symbol(world, login, family):
    svg = parse_svg(genogram_page(login(world.social_worker), world.child))
    sister = person(svg, family["sister"])
    texts = [t.text for t in sister.findall(f"{SVG}text")]
    assert "Cara Test" in texts
    assert any(t.startswith("Age ") for t in texts)
    assert all(float(t.get("y")) > symbol_y(sister) + 40 for t in sister.findall(f"{SVG}text"))


def test_the_svg_is_accessible_and_has_no_styles_or_scripts(world, login, family):
    content = genogram_page(login(world.social_worker), world.child)
    svg = parse_svg(content)
    assert svg.get("role") == "img"
    title_id, desc_id = svg.get("aria-labelledby").split()
    assert svg.find(f"{SVG}title").get("id") == title_id
    assert svg.find(f"{SVG}desc").get("id") == desc_id
    assert world.child.full_name in svg.find(f"{SVG}title").text
    raw = ET.tostring(svg, "unicode")
    assert "style=" not in raw
    assert "script" not in raw.lower()
    assert not any(k.startswith("on") for el in svg.iter() for k in el.attrib)


def test_the_text_list_describes_each_person_and_the_legend_explains_the_symbols(
    world, login, family
):
    content = genogram_page(login(world.social_worker), world.child)
    listing = content[content.index("People in the genogram") :]
    assert "<strong>Rob Away</strong> (parents&#x27; generation): Father; male; age " in listing
    assert "does not live in the child&#x27;s household" in listing
    assert "partner of Mara Test (divorced)" in listing
    assert (
        "<strong>Grandad Test</strong> (grandparents&#x27; generation): Grandfather; male;"
        in listing
    )
    assert "deceased" in listing
    assert "drawn as the child of Rob Away" in listing
    assert "the child this record is about" in listing
    for meaning in ["Male", "Female", "Sex not known", "Deceased", "Divorced", "household"]:
        assert meaning in listing


def test_a_child_named_with_markup_is_escaped_in_the_svg_and_the_text_list(world, login):
    world.child.first_name = "<script>alert(1)</script>"
    world.child.save()
    FamilyMemberFactory(
        child=world.child, first_name='"><img src=x onerror=alert(2)>', relationship="mother"
    )
    content = genogram_page(login(world.social_worker), world.child)
    assert "<script>alert(1)</script>" not in content
    assert "<img src=x" not in content
    svg = parse_svg(content)  # well-formed: nothing was interpreted as markup
    assert "<script>alert(1)</script>" in svg.find(f"{SVG}title").text
    assert "<script>alert(1)</script>" in person(svg, "child").find(f"{SVG}title").text
    assert svg.find(f".//{SVG}script") is None
    assert svg.find(f".//{SVG}img") is None
    listing = content[content.index("People in the genogram") :]
    assert "<strong>&lt;script&gt;alert(1)&lt;/script&gt;" in listing


def test_a_child_with_no_relatives_has_no_genogram(world, login):
    FamilyMemberFactory(child=world.child, relationship="family_friend")
    content = genogram_page(login(world.social_worker), world.child)
    assert "No genogram: no family relationships are recorded for this child" in content
    assert 'class="genogram"' not in content
    FamilyMemberFactory(child=world.child, relationship="aunt")
    content = genogram_page(login(world.social_worker), world.child)
    assert "No genogram" not in content
    parse_svg(content)


def test_the_same_family_draws_the_same_svg(world, family):
    members = list(world.child.family.all())
    first = build_genogram(world.child, members, today=TODAY).svg
    second = build_genogram(world.child, list(reversed(members)), today=TODAY).svg
    assert first == second


def test_an_unborn_child_is_labelled_with_the_due_date(world):
    unborn = ChildFactory(date_of_birth=None, expected_date_of_birth=datetime.date(2026, 9, 1))
    FamilyMemberFactory(child=unborn, relationship="mother")
    svg = xml(build_genogram(unborn, unborn.family.all(), today=TODAY).svg)
    texts = [t.text for t in person(svg, "child").findall(f"{SVG}text")]
    assert "Due 1 Sep 2026" in texts
    assert "The child (unborn)" in texts


def test_genogram_page_runs_a_fixed_number_of_queries(world, login, django_assert_max_num_queries):
    client = login(world.social_worker)
    small = ChildFactory(allocated_team=world.team)
    FamilyMemberFactory(child=small, relationship="mother")
    relationships = ["mother", "father", "sibling", "half_sibling", "grandmother", "aunt", "other"]
    people = [
        FamilyMemberFactory(
            child=world.child,
            relationship=relationships[i % len(relationships)],
            sex="MF"[i % 2],
            lives_with_child=i % 3 == 0,
        )
        for i in range(30)
    ]
    for a, b in zip(people[::2], people[1::2], strict=True):
        a.partner, a.partnership_status = b, "married"
        a.save()
    # Half-siblings, grandparents and aunts recorded as related through the first mother or
    # the first father: drawing their lines must not fetch the parent for each of them.
    for i, member in enumerate(people):
        if member.relationship in ("half_sibling", "grandmother", "aunt"):
            member.through_parent = people[i % 2]
            member.save()
    assert world.child.family.filter(through_parent__isnull=False).count() == 12
    with CaptureQueriesContext(connection) as few:
        genogram_page(client, small)
    with django_assert_max_num_queries(13), CaptureQueriesContext(connection) as many:
        content = genogram_page(client, world.child)
    assert len(many) == len(few)
    svg = parse_svg(content)
    assert sum(1 for g in svg.iter(f"{SVG}g") if "person" in (g.get("class") or "")) == 31


# --- recording the parent someone is related through -------------------------------------------


def test_the_parent_related_through_must_be_a_parent_of_this_child(world, family):
    other_mother = FamilyMemberFactory(child=ChildFactory(), relationship="mother")
    half_brother = family["half_brother"]
    for wrong in [other_mother, family["stepfather"], family["sister"]]:
        half_brother.through_parent = wrong
        with pytest.raises(ValidationError) as error:
            half_brother.full_clean()
        assert error.value.message_dict["through_parent"] == [
            "Choose the child's mother or father, as recorded for this child."
        ]
    half_brother.through_parent = family["father"]
    half_brother.full_clean()


def test_the_parent_related_through_means_nothing_for_a_full_sibling(world, family):
    sister = family["sister"]
    sister.through_parent = family["mother"]
    with pytest.raises(ValidationError) as error:
        sister.full_clean()
    assert error.value.message_dict["through_parent"] == [
        "Only say which parent someone is related through for a half-sibling, grandparent, "
        "aunt, uncle or cousin. Leave it empty for a sibling (full)."
    ]


def test_a_parent_others_are_related_through_cannot_stop_being_a_parent(world, family):
    link_grandparents(family, "father")
    father = family["father"]
    father.relationship = "uncle"
    with pytest.raises(ValidationError) as error:
        father.full_clean()
    assert "Change them first" in error.value.message_dict["relationship"][0]
    father.relationship = "mother"  # still a parent: the grandparents still make sense
    father.full_clean()


def test_the_family_form_offers_only_this_childs_parents(world, login, family):
    FamilyMemberFactory(child=ChildFactory(), relationship="father", first_name="Elsewhere")
    form = FamilyMemberForm(child=world.child)
    offered = set(form.fields["through_parent"].queryset)
    assert offered == {family["mother"], family["father"]}
    page = login(world.social_worker).get(reverse("cases:family-add", args=[world.child.pk]))
    content = page.content.decode()
    select = re.search(r'<select name="through_parent".*?</select>', content, re.DOTALL)
    assert select, "no related-through field on the form"
    assert "Which parent they are related through" in content
    options = re.findall(r'<option value="(\d*)"', select.group(0))
    assert sorted(options) == sorted(["", str(family["mother"].pk), str(family["father"].pk)])


def test_the_family_form_records_the_parent_and_refuses_anyone_else(world, login, family):
    client = login(world.social_worker)
    url = reverse("cases:family-edit", args=[world.child.pk, family["half_brother"].pk])
    data = {
        "first_name": "Dan",
        "last_name": "Away",
        "relationship": "half_sibling",
        "sex": "M",
        "version": family["half_brother"].version,
    }
    refused = client.post(url, {**data, "through_parent": family["sister"].pk})
    assert refused.status_code == 200
    assert "Select a valid choice" in refused.content.decode()
    response = client.post(url, {**data, "through_parent": family["mother"].pk})
    assert response.status_code == 302
    family["half_brother"].refresh_from_db()
    assert family["half_brother"].through_parent == family["mother"]
