"""The child's genogram: an SVG family diagram drawn from the recorded relationships.

Standard notation: squares for males, circles for females, a diamond with a question mark when
sex is not known; the child the record is about has a double outline; a cross through a symbol
means the person has died. Partners are joined by a solid line (one slash: separated, two:
divorced); children hang from their parents' line; a dashed line encloses the child's household.

People are laid out in rows by generation (`RELATIONSHIP_GENERATION`); people with no generation
(carers, family friends, others) go in a separate row at the bottom.

Which of the child's parents a relative is related through is recorded on the relative
(`FamilyMember.through_parent`). A half-sibling hangs from the parent recorded as shared; when
it is not recorded, from the parent whose surname they share (the mother when that does not
decide it), and the text list says the line is a guess ("drawn as the child of ..."). Grandparents
recorded as a parent's parents are drawn above that parent, as a couple (joined by a dotted line
when their relationship is not recorded), with a line down to the parent; grandparents not
recorded as anyone's parents are placed above the child's parents without lines. For aunts,
uncles and cousins the text list names the parent they are related through.

Every piece of user text goes through `format_html`, and the output depends only on the data
(and today's date, for ages), so the same record always draws the same diagram.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from .codes.sex import Sex
from .models import (
    PARENT_RELATIONSHIPS,
    RELATED_THROUGH_A_PARENT,
    RELATIONSHIP_GENERATION,
    Child,
    FamilyMember,
    Relationship,
)

# A genogram needs at least one relative: carers and friends alone do not make one.
FAMILY_RELATIONSHIPS = frozenset(RELATIONSHIP_GENERATION)
OTHERS = 99  # row key for people with no generation

ROW_LABELS = {
    -2: "Grandparents",
    -1: "Parents",
    0: "Child, siblings",
    1: "Child's children",
    OTHERS: "Others, carers",
}
# The same rows, as the text list names them.
ROW_WORDS = {
    -2: "grandparents' generation",
    -1: "parents' generation",
    0: "child's generation",
    1: "child's children",
    OTHERS: "others",
}
PARTNERSHIP_LABELS = dict(FamilyMember._meta.get_field("partnership_status").choices)
RELATIONSHIP_ORDER = {value: index for index, value in enumerate(Relationship.values)}
# Relatives on one parent's side whom the drawing does not join to that parent: the text list
# names the parent.
SIDE_RELATIONSHIPS = frozenset({Relationship.AUNT, Relationship.UNCLE, Relationship.COUSIN})
SEX_WORDS = {Sex.MALE: "male", Sex.FEMALE: "female", Sex.UNKNOWN: "sex not known"}

# Geometry, in SVG user units. People sit on a grid of half-slots so that a couple's
# midpoint is itself a grid position and children can be centred under it.
SYMBOL = 40
HALF_SLOT = 75
ROW_HEIGHT = 160
GUTTER = 120  # row labels on the left
MARGIN = 16
SYMBOL_TOP = 56  # from the top of a row to the top of its symbols
HOUSEHOLD_TOP = 30  # from the top of a row to the edge of its cells in the household outline
HOUSEHOLD_INSET = 14  # the outline is drawn this far inside the cells' edges
NAME_CHARS = 18

INK = "#212529"
HOUSEHOLD_INK = "#0a58ca"
FONT = "system-ui, -apple-system, 'Segoe UI', Arial, sans-serif"


@dataclass
class Person:
    key: str
    name: str
    sex: str
    relationship: str
    row: int
    age_text: str
    deceased: bool
    in_household: bool
    born: date | None = None
    is_subject: bool = False
    member: FamilyMember | None = None
    notes: list[str] = field(default_factory=list)
    col: int = 0
    row_index: int = 0

    @property
    def last_name(self) -> str:
        return self.member.last_name if self.member else ""


@dataclass(frozen=True)
class Partnership:
    a: FamilyMember
    b: FamilyMember
    status: str

    @property
    def label(self) -> str:
        return PARTNERSHIP_LABELS.get(self.status, "relationship not recorded")


@dataclass
class Genogram:
    missing: bool
    svg: SafeString = mark_safe("")  # noqa: S308 - empty literal
    descriptions: list[dict] = field(default_factory=list)


def partnerships(members: Sequence[FamilyMember]) -> list[Partnership]:
    """Each recorded partnership once, whichever side recorded it (the earlier record wins)."""
    by_pk = {m.pk: m for m in members}
    seen: set[tuple[int, int]] = set()
    found = []
    for member in sorted(members, key=lambda m: m.pk):
        partner = by_pk.get(member.partner_id)
        if partner is None or partner.pk == member.pk:
            continue
        pair = (min(member.pk, partner.pk), max(member.pk, partner.pk))
        if pair in seen:
            continue
        seen.add(pair)
        found.append(Partnership(a=member, b=partner, status=member.partnership_status))
    return found


def build_genogram(
    child: Child, members: Iterable[FamilyMember], *, today: date | None = None
) -> Genogram:
    """Lay out and draw the genogram for `child` from its family members (no queries)."""
    today = today or timezone.localdate()
    members = sorted(members, key=_member_sort_key)
    if not any(m.relationship in FAMILY_RELATIONSHIPS for m in members):
        return Genogram(missing=True)
    subject = _subject(child, today)
    people = [subject] + [_person(m, today) for m in members]
    by_key = {p.key: p for p in people}
    links = partnerships(members)
    adjacent: dict[str, list[str]] = {p.key: [] for p in people}
    for link in links:
        adjacent[_key(link.a)].append(_key(link.b))
        adjacent[_key(link.b)].append(_key(link.a))
    order = {p.key: i for i, p in enumerate(people)}
    for keys in adjacent.values():
        keys.sort(key=order.__getitem__)

    layout = _Layout(subject, people, adjacent, by_key)
    layout.place()
    svg = _draw(child, layout, links)
    return Genogram(missing=False, svg=svg, descriptions=_describe(layout, links))


# --- people -----------------------------------------------------------------------------------


def _key(member: FamilyMember) -> str:
    return f"m{member.pk}"


def _member_sort_key(member: FamilyMember) -> tuple:
    return (
        RELATIONSHIP_ORDER.get(member.relationship, len(RELATIONSHIP_ORDER)),
        member.sex != Sex.MALE,
        member.last_name.lower(),
        member.first_name.lower(),
        member.pk,
    )


def _full_name(first: str, last: str) -> str:
    return f"{first} {last}".strip()


def _years(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _age_text(born: date | None, died: date | None, deceased: bool, today: date) -> str:
    if deceased:
        if died and born:
            return f"Died {died.year}, aged {_years(born, died)}"
        if died:
            return f"Died {died.year}"
        return f"Died (born {born.year})" if born else "Died"
    if born:
        age = _years(born, today)
        return f"Age {age}" if age >= 1 else "Age under 1"
    return "Age not recorded"


def _subject(child: Child, today: date) -> Person:
    if child.is_unborn:
        age = f"Due {date_format(child.expected_date_of_birth, 'j M Y')}"
    else:
        age = _age_text(child.date_of_birth, child.date_of_death, bool(child.date_of_death), today)
    return Person(
        key="child",
        name=_full_name(child.first_name, child.last_name),
        sex=child.sex,
        relationship="The child (unborn)" if child.is_unborn else "The child",
        row=0,
        age_text=age,
        deceased=child.date_of_death is not None,
        in_household=True,
        born=child.date_of_birth or child.expected_date_of_birth,
        is_subject=True,
    )


def _person(member: FamilyMember, today: date) -> Person:
    return Person(
        key=_key(member),
        name=_full_name(member.first_name, member.last_name),
        sex=member.sex,
        relationship=member.get_relationship_display(),
        row=RELATIONSHIP_GENERATION.get(member.relationship, OTHERS),
        age_text=_age_text(member.date_of_birth, member.date_of_death, member.deceased, today),
        deceased=member.deceased,
        in_household=member.lives_with_child,
        born=member.date_of_birth,
        member=member,
    )


# --- layout -----------------------------------------------------------------------------------


@dataclass
class _Descent:
    """Children hanging from a couple's line (two parents) or from one person."""

    parents: tuple[Person, ...]
    children: list[Person]
    high: bool = False  # a second line above the first, for half-siblings


class _Layout:
    def __init__(self, subject, people, adjacent, by_key):
        self.subject = subject
        self.people = people
        self.adjacent = adjacent
        self.by_key = by_key
        self.rows: dict[int, list[Person]] = {}
        self.descents: list[_Descent] = []
        self.couple: tuple[Person, ...] = ()
        # Every pair drawn as someone's two parents, with whose parents they are: the text
        # list and the dotted line for those whose own relationship is not recorded.
        self.parent_pairs: list[tuple[tuple[Person, Person], str]] = []
        self.ordered: list[Person] = []

    def row(self, generation: int) -> list[Person]:
        return [p for p in self.people if p.row == generation]

    def chain(self, people: list[Person]) -> list[Person]:
        """Keep partners side by side, in the given order otherwise."""
        inside = {p.key for p in people}
        placed: list[Person] = []
        seen: set[str] = set()
        for person in people:
            current = person
            while current is not None and current.key not in seen:
                placed.append(current)
                seen.add(current.key)
                current = next(
                    (
                        self.by_key[k]
                        for k in self.adjacent[current.key]
                        if k in inside and k not in seen
                    ),
                    None,
                )
        return placed

    def place(self) -> None:
        parents_row = self.row(-1)
        parents = [p for p in parents_row if p.member.relationship in PARENT_RELATIONSHIPS]
        self.couple = self._couple(parents)
        if len(self.couple) == 2:
            self.parent_pairs.append((self.couple, "the child"))
        couple_keys = {p.key for p in self.couple}
        rest = [p for p in parents_row if p.key not in couple_keys]
        left_partners: list[Person] = []
        right_partners: list[Person] = []
        if self.couple:
            for person in rest:
                if self.couple[0].key in self.adjacent[person.key] and len(self.couple) == 2:
                    left_partners.append(person)
                elif self.couple[-1].key in self.adjacent[person.key]:
                    right_partners.append(person)
        side_keys = {p.key for p in left_partners + right_partners}
        rest = self.chain([p for p in rest if p.key not in side_keys])
        row_parents = left_partners[::-1] + list(self.couple) + right_partners + rest
        _set_cols(row_parents, 0)
        if len(self.couple) == 2:
            anchor = self.couple[0].col + 1
        elif self.couple:
            anchor = self.couple[0].col
        else:
            anchor = None

        # The child's generation: half-siblings on their parent's side, full siblings in the
        # middle (eldest first, as is usual), then step-siblings and cousins.
        same_row = self.row(0)
        full = sorted(
            [p for p in same_row if p.is_subject or p.member.relationship == Relationship.SIBLING],
            key=_birth_order_key,
        )
        halves: dict[str, list[Person]] = {p.key: [] for p in self.couple}
        for person in same_row:
            if person.is_subject or person.member.relationship != Relationship.HALF_SIBLING:
                continue
            parent, recorded = self._shared_parent(person)
            if parent is None:
                continue
            name = parent.name or "unnamed"
            person.notes.append(f"child of {name}" if recorded else f"drawn as the child of {name}")
            if parent.key in halves:  # a recorded parent who is not one of the couple: no line
                halves[parent.key].append(person)
        left = halves[self.couple[0].key] if len(self.couple) == 2 else []
        right = halves[self.couple[-1].key] if self.couple else []
        grouped = {p.key for p in full + left + right}
        others = self.chain([p for p in same_row if p.key not in grouped])
        if anchor is None:
            anchor = 0
            _set_cols(row_parents, -(len(row_parents) - 1))
        _set_cols(left + full + right + others, anchor - 2 * len(left) - (len(full) - 1))
        if self.couple:
            self.descents.append(_Descent(parents=self.couple, children=full))
            if left:
                self.descents.append(_Descent(parents=self.couple[:1], children=left, high=True))
            if right:
                self.descents.append(_Descent(parents=self.couple[-1:], children=right, high=True))
        elif len(full) > 1:
            self.descents.append(_Descent(parents=(), children=full))

        grandparents = self._grandparents(row_parents, anchor)
        for person in self.people:
            if person.member and person.member.relationship in SIDE_RELATIONSHIPS:
                parent = self._through(person)
                if parent is not None:
                    person.notes.append(
                        f"related through {parent.name or 'unnamed'} "
                        f"({parent.relationship.lower()})"
                    )
        own_children = sorted(self.row(1), key=_birth_order_key)
        _set_cols(own_children, self.subject.col - (len(own_children) - 1))
        if own_children:
            self.descents.append(_Descent(parents=(self.subject,), children=own_children))
        others_row = self.chain(self.row(OTHERS))
        _set_cols(others_row, anchor - (len(others_row) - 1))

        rows = {
            -2: grandparents,
            -1: row_parents,
            0: left + full + right + others,
            1: own_children,
            OTHERS: others_row,
        }
        self.rows = {g: r for g, r in rows.items() if r}
        for index, generation in enumerate(self.rows):
            for person in self.rows[generation]:
                person.row_index = index
        self.ordered = [p for r in self.rows.values() for p in r]
        low = min(p.col for p in self.ordered)
        for person in self.ordered:
            person.col -= low

    def _couple(
        self,
        parents: list[Person],
        man: str = Relationship.FATHER,
        woman: str = Relationship.MOTHER,
    ) -> tuple[Person, ...]:
        """The child's two parents (or one): partners if recorded, else a father and a mother.

        With `man` and `woman` set to grandfather and grandmother, the same for a parent's
        parents.
        """
        pair: list[Person] = []
        for person in parents:
            partner = next((k for k in self.adjacent[person.key] if k in _keys(parents)), None)
            if partner:
                pair = [person, self.by_key[partner]]
                break
        if not pair:
            fathers = [p for p in parents if p.member.relationship == man]
            mothers = [p for p in parents if p.member.relationship == woman]
            pair = fathers[:1] + mothers[:1] if fathers and mothers else parents[:2]
        # Men on the left, as is usual.
        return tuple(sorted(pair, key=lambda p: (p.sex != Sex.MALE, parents.index(p))))

    def _through(self, person: Person) -> Person | None:
        """The child's parent `person` is recorded as related through, if any."""
        member = person.member
        if member is None or member.relationship not in RELATED_THROUGH_A_PARENT:
            return None
        parent = self.by_key.get(f"m{member.through_parent_id}")
        if parent is None or parent.member.relationship not in PARENT_RELATIONSHIPS:
            return None
        return parent

    def _shared_parent(self, half_sibling: Person) -> tuple[Person | None, bool]:
        """The parent a half-sibling hangs from, and whether the record says so (else a guess)."""
        recorded = self._through(half_sibling)
        if recorded is not None:
            return recorded, True
        if not self.couple:
            return None, False
        surname = half_sibling.last_name.casefold()
        same_name = [p for p in self.couple if p.last_name.casefold() == surname]
        if len(same_name) == 1:
            return same_name[0], False
        mothers = [p for p in self.couple if p.sex == Sex.FEMALE]
        return (mothers[0] if mothers else self.couple[-1]), False

    def _grandparents(self, row_parents: list[Person], anchor: int) -> list[Person]:
        """The grandparents' row: each parent's parents above them, with a line down to them.

        Grandparents not recorded as anyone's parents are centred above the child's parents.
        Each group sits as near its place as the others allow (see `_spread`).
        """
        linked: dict[str, list[Person]] = {}
        unlinked: list[Person] = []
        for person in self.row(-2):
            parent = self._through(person)
            if parent is None:
                unlinked.append(person)
                continue
            linked.setdefault(parent.key, []).append(person)
            word = "mother" if person.member.relationship == Relationship.GRANDMOTHER else "father"
            person.notes.append(f"{word} of {parent.name or 'unnamed'}")
        # (the column each group is centred on, where its first person would go, its people)
        blocks: list[tuple[int, int, list[Person]]] = []
        for parent in row_parents:
            group = linked.get(parent.key)
            if not group:
                continue
            pair = self._couple(group, Relationship.GRANDFATHER, Relationship.GRANDMOTHER)
            rest = self.chain([p for p in group if p.key not in _keys(pair)])
            blocks.append((parent.col, parent.col - (len(pair) - 1), list(pair) + rest))
            self.descents.append(_Descent(parents=pair, children=[parent]))
            if len(pair) == 2:
                self.parent_pairs.append((pair, parent.name or "unnamed"))
        if unlinked:
            chained = self.chain(unlinked)
            # Centred above the child's parents, as grandparents without lines always were.
            blocks.append((anchor, anchor - (len(chained) - 1), chained))
        blocks.sort(key=lambda block: block[0])
        return _spread([(start, people) for _, start, people in blocks])


def _keys(people: Iterable[Person]) -> set[str]:
    return {p.key for p in people}


def _spread(blocks: list[tuple[int, list[Person]]]) -> list[Person]:
    """Lay out blocks of people in one row, in order, each as near its wanted start as it fits.

    Pushing each block right of the one before gives one layout, pushing each left of the one
    after another; both keep every person two half-slots from the next, and so does their mean
    (rounded down), which shares the displacement out evenly.
    """
    sizes = [2 * len(people) for _, people in blocks]
    from_left: list[int] = []
    edge = None
    for (start, _), size in zip(blocks, sizes, strict=True):
        start = start if edge is None else max(start, edge)
        from_left.append(start)
        edge = start + size
    from_right: list[int] = []
    edge = None
    for (start, _), size in zip(reversed(blocks), reversed(sizes), strict=True):
        start = start if edge is None else min(start, edge - size)
        from_right.append(start)
        edge = start
    from_right.reverse()
    placed: list[Person] = []
    for (_, people), left, right in zip(blocks, from_left, from_right, strict=True):
        _set_cols(people, (left + right) // 2)
        placed += people
    return placed


def _set_cols(people: list[Person], start: int) -> None:
    for i, person in enumerate(people):
        person.col = start + 2 * i


def _birth_order_key(person: Person) -> tuple:
    # Eldest on the left; people with no date of birth after those with one.
    return (person.born is None, person.born or date.max, person.key)


# --- drawing ----------------------------------------------------------------------------------


class _Canvas:
    def __init__(self, rows: int, cols: int) -> None:
        self.width = GUTTER + MARGIN + (cols + 2) * HALF_SLOT + MARGIN
        self.height = MARGIN + rows * ROW_HEIGHT + HOUSEHOLD_TOP + MARGIN

    @staticmethod
    def x(person: Person) -> int:
        return GUTTER + MARGIN + (person.col + 1) * HALF_SLOT

    @staticmethod
    def row_top(index: int) -> int:
        return MARGIN + index * ROW_HEIGHT

    def top(self, person: Person) -> int:
        return self.row_top(person.row_index) + SYMBOL_TOP

    def middle(self, person: Person) -> int:
        return self.top(person) + SYMBOL // 2

    def below_text(self, person: Person) -> int:
        return self.top(person) + SYMBOL + 48


def _line(x1: float, y1: float, x2: float, y2: float, dash: str = "") -> SafeString:
    if dash:
        return format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2" '
            'stroke-dasharray="{}"/>',
            x1,
            y1,
            x2,
            y2,
            INK,
            dash,
        )
    return format_html(
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2"/>',
        x1,
        y1,
        x2,
        y2,
        INK,
    )


def _slashes(x: int, y: int, count: int) -> list[SafeString]:
    offsets = [0] if count == 1 else [-5, 5]
    return [_line(x + d - 5, y + 9, x + d + 5, y - 9) for d in offsets]


def _draw(child: Child, layout: _Layout, links: list[Partnership]) -> SafeString:
    people = layout.ordered
    canvas = _Canvas(len(layout.rows), max(p.col for p in people))
    title_id = f"genogram-title-{child.pk}"
    desc_id = f"genogram-desc-{child.pk}"
    household = [p for p in people if p.in_household]
    parts: list[SafeString] = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{} {}" '
            'width="{}" height="{}" viewBox="0 0 {} {}" font-family="{}" class="genogram">',
            title_id,
            desc_id,
            canvas.width,
            canvas.height,
            canvas.width,
            canvas.height,
            FONT,
        ),
        format_html('<title id="{}">Genogram for {}</title>', title_id, child.full_name),
        format_html(
            '<desc id="{}">{} people in {} rows; {} in the child\'s household (dashed line). '
            "The list after the diagram describes each person.</desc>",
            desc_id,
            len(people),
            len(layout.rows),
            len(household),
        ),
        format_html('<rect width="{}" height="{}" fill="#ffffff"/>', canvas.width, canvas.height),
    ]
    for index, generation in enumerate(layout.rows):
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="12" fill="{}" class="row-label">{}</text>',
                MARGIN,
                canvas.row_top(index) + SYMBOL_TOP + SYMBOL // 2 + 4,
                INK,
                ROW_LABELS[generation],
            )
        )
    parts.append(_household(canvas, household))
    parts.extend(_partnership_lines(canvas, layout, links))
    for descent in layout.descents:
        parts.append(_descent(canvas, layout, descent))
    for person in people:
        parts.append(_symbol(canvas, person))
    parts.append(mark_safe("</svg>"))  # noqa: S308 - constant
    return mark_safe("".join(parts))  # noqa: S308 - every part built by format_html


def _household(canvas: _Canvas, household: list[Person]) -> SafeString:
    """A dashed outline around the household.

    Each person owns a cell of the layout grid (their slot, their row); the outline is the
    boundary of the household's cells, drawn a little inside so that it never runs along a
    parent-child line (those sit on the cell edges).
    """
    cells = {(p.col + dx, p.row_index) for p in household for dx in (0, 1)}
    # Directed edges, clockwise (screen coordinates, y down): the inside is on the right.
    edges: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for col, row in cells:
        sides = [
            ((col, row - 1), (col, row), (col + 1, row)),
            ((col + 1, row), (col + 1, row), (col + 1, row + 1)),
            ((col, row + 1), (col + 1, row + 1), (col, row + 1)),
            ((col - 1, row), (col, row + 1), (col, row)),
        ]
        for neighbour, start, end in sides:
            if neighbour not in cells:
                edges.setdefault(start, []).append(end)
    loops = []
    while edges:
        first = min(edges)
        loop = [first]
        point, heading = first, None
        while True:
            ends = edges[point]
            end = _turn_right(point, heading, ends)
            ends.remove(end)
            if not ends:
                del edges[point]
            heading = (end[0] - point[0], end[1] - point[1])
            point = end
            if point == first:
                break
            loop.append(point)
        loops.append(_corners(loop))

    def px(corner: tuple[int, int], inset: tuple[int, int]) -> str:
        x = GUTTER + MARGIN + corner[0] * HALF_SLOT + inset[0] * HOUSEHOLD_INSET
        y = canvas.row_top(corner[1]) + HOUSEHOLD_TOP + inset[1] * HOUSEHOLD_INSET
        return f"{x} {y}"

    path = "".join(
        "M" + "L".join(px(corner, inset) for corner, inset in loop) + "Z" for loop in loops
    )
    return format_html(
        '<path class="household" d="{}" fill="none" stroke="{}" stroke-width="2" '
        'stroke-dasharray="8 5"/>',
        path,
        HOUSEHOLD_INK,
    )


def _turn_right(point, heading, ends):
    """Where two parts of the household touch only at a corner, keep them as separate loops."""
    if heading is None or len(ends) == 1:
        return min(ends)
    right = (-heading[1], heading[0])
    return next((e for e in ends if (e[0] - point[0], e[1] - point[1]) == right), min(ends))


def _corners(loop: list[tuple[int, int]]) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """The loop's corners, each with the unit step that moves it inside the outline."""
    corners = []
    count = len(loop)
    for i, point in enumerate(loop):
        before, after = loop[i - 1], loop[(i + 1) % count]
        came = (_sign(point[0] - before[0]), _sign(point[1] - before[1]))
        goes = (_sign(after[0] - point[0]), _sign(after[1] - point[1]))
        if came == goes:
            continue  # a straight run, not a corner
        # The inside is on the right of each edge; a corner moves in along both edges' normals.
        inset = (-came[1] - goes[1], came[0] + goes[0])
        corners.append((point, inset))
    return corners


def _sign(value: int) -> int:
    return (value > 0) - (value < 0)


def _partnership_lines(
    canvas: _Canvas, layout: _Layout, links: list[Partnership]
) -> list[SafeString]:
    parts = []
    drawn = []
    for link in links:
        a, b = layout.by_key[_key(link.a)], layout.by_key[_key(link.b)]
        drawn.append({a.key, b.key})
        parts.append(_partnership(canvas, a, b, link.status))
    for (a, b), _ in layout.parent_pairs:
        if {a.key, b.key} not in drawn:
            parts.append(_partnership(canvas, a, b, ""))
    return parts


def _partnership(canvas: _Canvas, a: Person, b: Person, status: str) -> SafeString:
    a, b = sorted((a, b), key=lambda p: (p.row_index, p.col))
    x1, y1, x2, y2 = canvas.x(a), canvas.middle(a), canvas.x(b), canvas.middle(b)
    dash = "" if status else "2 4"
    if a.row_index == b.row_index and abs(a.col - b.col) > 2:
        # Not side by side: a bracket above the symbols, so the line crosses nobody.
        top = canvas.top(a) - 6
        segments = [
            _line(x1, canvas.top(a), x1, top, dash),
            _line(x1, top, x2, top, dash),
            _line(x2, top, x2, canvas.top(b), dash),
        ]
        mx, my = (x1 + x2) // 2, top
    elif a.row_index == b.row_index:
        segments = [_line(x1, y1, x2, y2, dash)]
        # Off-centre, so the line down to the children does not run through the slashes.
        mx, my = (x1 + x2) // 2 - 25, y1
    else:
        segments = [_line(x1, y1, x2, y2, dash)]
        mx, my = (x1 + x2) // 2, (y1 + y2) // 2
    if status == "separated":
        segments += _slashes(mx, my, 1)
    elif status == "divorced":
        segments += _slashes(mx, my, 2)
    return format_html(
        '<g class="partnership" data-status="{}" data-people="{} {}">{}</g>',
        status or "not-recorded",
        a.key,
        b.key,
        mark_safe("".join(segments)),  # noqa: S308 - built by format_html
    )


def _descent(canvas: _Canvas, layout: _Layout, descent: _Descent) -> SafeString:
    children = descent.children
    sib_y = canvas.top(children[0]) - (36 if descent.high else 22)
    xs = [canvas.x(c) for c in children]
    segments = []
    if len(descent.parents) == 2:
        a, b = descent.parents
        anchor_x = (canvas.x(a) + canvas.x(b)) // 2
        segments.append(_line(anchor_x, canvas.middle(a), anchor_x, sib_y))
        xs.append(anchor_x)
    elif descent.parents:
        parent = descent.parents[0]
        anchor_x = canvas.x(parent)
        segments.append(_line(anchor_x, canvas.below_text(parent), anchor_x, sib_y))
        xs.append(anchor_x)
    if min(xs) != max(xs):
        segments.append(_line(min(xs), sib_y, max(xs), sib_y))
    for c in children:
        segments.append(_line(canvas.x(c), sib_y, canvas.x(c), canvas.top(c)))
    return format_html(
        '<g class="descent" data-parents="{}">{}</g>',
        " ".join(p.key for p in descent.parents),
        mark_safe("".join(segments)),  # noqa: S308 - built by format_html
    )


def _shape(sex: str, x: int, top: int, size: int) -> SafeString:
    half = size // 2
    common = format_html('fill="#ffffff" stroke="{}" stroke-width="2"', INK)
    if sex == Sex.MALE:
        return format_html(
            '<rect class="male" x="{}" y="{}" width="{}" height="{}" {}/>',
            x - half,
            top,
            size,
            size,
            common,
        )
    if sex == Sex.FEMALE:
        return format_html(
            '<circle class="female" cx="{}" cy="{}" r="{}" {}/>', x, top + half, half, common
        )
    points = f"{x},{top} {x + half},{top + half} {x},{top + size} {x - half},{top + half}"
    return format_html('<polygon class="unknown-sex" points="{}" {}/>', points, common)


def _symbol(canvas: _Canvas, person: Person) -> SafeString:
    x, top = canvas.x(person), canvas.top(person)
    parts = [_shape(person.sex, x, top, SYMBOL)]
    if person.is_subject:
        parts.append(_shape(person.sex, x, top + 6, SYMBOL - 12))
    if person.sex not in (Sex.MALE, Sex.FEMALE):
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="16" text-anchor="middle" fill="{}">?</text>',
                x,
                top + SYMBOL // 2 + 6,
                INK,
            )
        )
    if person.deceased:
        reach = SYMBOL // 2 + 5
        parts.append(
            format_html(
                '<g class="deceased">{}{}</g>',
                _line(x - reach, top - 5, x + reach, top + SYMBOL + 5),
                _line(x + reach, top - 5, x - reach, top + SYMBOL + 5),
            )
        )
    lines = [
        (
            _short(person.name or "Name not recorded"),
            "12",
            "bold" if person.is_subject else "normal",
        ),
        (_short(person.relationship), "11", "normal"),
        (person.age_text, "11", "normal"),
    ]
    for i, (text, size, weight) in enumerate(lines):
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="{}" font-weight="{}" text-anchor="middle" '
                'fill="{}">{}</text>',
                x,
                top + SYMBOL + 15 + 13 * i,
                size,
                weight,
                INK,
                text,
            )
        )
    return format_html(
        '<g class="person{}" id="genogram-{}"><title>{}, {}</title>{}</g>',
        " subject" if person.is_subject else "",
        person.key,
        person.name or "Name not recorded",
        person.relationship.lower(),
        mark_safe("".join(parts)),  # noqa: S308 - built by format_html
    )


def _short(text: str) -> str:
    return text if len(text) <= NAME_CHARS else text[: NAME_CHARS - 1].rstrip() + "…"


# --- text alternative -------------------------------------------------------------------------


def _describe(layout: _Layout, links: list[Partnership]) -> list[dict]:
    partners: dict[str, list[str]] = {}
    for link in links:
        for me, other in ((link.a, link.b), (link.b, link.a)):
            name = _full_name(other.first_name, other.last_name) or "unnamed"
            partners.setdefault(_key(me), []).append(f"partner of {name} ({link.label.lower()})")
    linked = [{_key(link.a), _key(link.b)} for link in links]
    for pair, whose in layout.parent_pairs:
        if {pair[0].key, pair[1].key} in linked:
            continue
        for me, other in (pair, pair[::-1]):
            partners.setdefault(me.key, []).append(
                f"parent of {whose} with {other.name or 'unnamed'} "
                "(their relationship is not recorded)"
            )
    rows = []
    for generation, people in layout.rows.items():
        for person in people:
            relationship = (
                "the child this record is about" if person.is_subject else person.relationship
            )
            age = person.age_text[:1].lower() + person.age_text[1:]
            facts = [relationship, SEX_WORDS.get(person.sex, "sex not known"), age]
            facts.append(
                "lives in the child's household"
                if person.in_household
                else "does not live in the child's household"
            )
            if person.deceased:
                facts.append("deceased")
            member = person.member
            if member and member.parental_responsibility:
                facts.append("has parental responsibility")
            if member and member.involved_in_safety_plan:
                facts.append("involved in the safety plan")
            facts += partners.get(person.key, []) + person.notes
            rows.append(
                {
                    "name": person.name or "Name not recorded",
                    "row": ROW_WORDS[generation],
                    "description": "; ".join(f for f in facts if f),
                }
            )
    return rows


def legend() -> list[dict]:
    """The notation, each item with a small drawing (no user data) and its meaning."""

    def icon(*parts: SafeString) -> SafeString:
        return format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" width="56" height="32" viewBox="0 0 56 32" '
            'aria-hidden="true" focusable="false">{}</svg>',
            mark_safe("".join(parts)),  # noqa: S308 - built by format_html
        )

    line = _line
    deceased_icon = [
        _shape(Sex.MALE, 28, 6, 20),
        line(15, 2, 41, 30),
        line(41, 2, 15, 30),
    ]
    return [
        {"icon": icon(_shape(Sex.MALE, 28, 6, 20)), "meaning": "Male"},
        {"icon": icon(_shape(Sex.FEMALE, 28, 6, 20)), "meaning": "Female"},
        {
            "icon": icon(
                _shape(Sex.UNKNOWN, 28, 4, 24),
                format_html(
                    '<text x="28" y="21" font-size="12" text-anchor="middle" fill="{}">?</text>',
                    INK,
                ),
            ),
            "meaning": "Sex not known",
        },
        {
            "icon": icon(_shape(Sex.FEMALE, 28, 4, 24), _shape(Sex.FEMALE, 28, 9, 14)),
            "meaning": "The child this record is about (double outline)",
        },
        {"icon": icon(*deceased_icon), "meaning": "Deceased (cross through the symbol)"},
        {"icon": icon(line(4, 16, 52, 16)), "meaning": "Married, civil partners or partners"},
        {"icon": icon(line(4, 16, 52, 16), *_slashes(28, 16, 1)), "meaning": "Separated"},
        {"icon": icon(line(4, 16, 52, 16), *_slashes(28, 16, 2)), "meaning": "Divorced"},
        {
            "icon": icon(line(4, 16, 52, 16, "2 4")),
            "meaning": "Two parents whose relationship with each other is not recorded",
        },
        {
            "icon": icon(line(28, 2, 28, 14), line(12, 14, 44, 14), line(12, 14, 12, 30)),
            "meaning": "Parent to child",
        },
        {
            "icon": icon(
                format_html(
                    '<rect x="4" y="4" width="48" height="24" fill="none" stroke="{}" '
                    'stroke-width="2" stroke-dasharray="8 5"/>',
                    HOUSEHOLD_INK,
                )
            ),
            "meaning": "The child's household (dashed line)",
        },
    ]
