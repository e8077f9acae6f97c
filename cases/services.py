"""Writes to the child's record. Each is atomic, validated with full_clean() and audited
(django-auditlog records the change; the actor comes from the request, or `as_actor`)."""

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from accounts.actor import acting_as
from accounts.models import Team, User
from people.models import Person, PersonAddress, PossibleSamePerson, Resolution
from wirral_cp.concurrency import StaleEditError, VersionedModel, save_with_version
from wirral_cp.dates import day

from .models import (
    PRE_BIRTH_REFERRAL_DAYS,
    Allocation,
    CaseNote,
    CaseNoteVersion,
    Child,
    ChronologyEdit,
    FamilyMember,
    ManualChronologyEntry,
    ManualChronologyEntryVersion,
    OpenedWithReason,
    Referral,
    Visit,
)

if TYPE_CHECKING:
    from people.models import Person, PersonName
    from people.models import Relationship as Link

M = TypeVar("M", bound=Model)

# What else a visit changes, in apps above this one (a section 47 visit where the child was
# seen marks the enquiry "child seen"): they register from their AppConfig.ready and run in
# the visit's transaction, as the same user.
VisitListener = Callable[[Visit, User], object]
_visit_listeners: list[VisitListener] = []


def register_visit_listener(listener: VisitListener) -> VisitListener:
    if listener not in _visit_listeners:
        _visit_listeners.append(listener)
    return listener


@transaction.atomic
def visit_record(*, visit: Visit, user: User, expected_version: int | None = None) -> Visit:
    """Save a visit, and let the records it bears on hear of it."""
    if visit.recorded_by_id is None:
        visit.recorded_by = user
    record_save(instance=visit, user=user, expected_version=expected_version)
    with acting_as(user):
        for listener in _visit_listeners:
            listener(visit, user)
    return visit


@transaction.atomic
def record_save(*, instance: M, user: User, expected_version: int | None = None) -> M:
    """Validate and save one record, refusing a save over someone else's newer version."""
    with acting_as(user):
        instance.full_clean()
        if isinstance(instance, VersionedModel):
            save_with_version(instance, expected_version=expected_version)
        else:
            instance.save()
    return instance


@transaction.atomic
def child_create(
    *,
    child: Child,
    user: User,
    team: Team | None = None,
    worker: User | None = None,
    person: Person | None = None,
    not_same_as: list[int] | None = None,
    not_same_reason: str = "",
) -> Child:
    """Register a child, allocated to `team`/`worker` (by default the user's team and the user).

    The child is a person of the index: `person` when the worker chose an existing entry
    (a brother's page recorded them; their details become the child's), else a new one. After
    the registration warning, the people the worker said the child is not (`not_same_as`) are
    recorded as decided, with the worker's reason, so nobody is asked again.
    """
    team = team or user.team
    if worker is None and user.is_social_worker:
        worker = user
    child.allocated_team = team
    child.allocated_worker = worker
    with acting_as(user):
        child.full_clean()
        child.save()
        if team:
            Allocation.objects.create(
                child=child,
                team=team,
                worker=worker,
                start_date=timezone.localdate(),
                allocated_by=user,
                reason="Child registered",
            )
            Allocation.objects.filter(child=child).restate()
        if person is not None:
            if Child.objects.filter(person=person).exists():
                raise ValidationError(
                    "That person already has a child's record: open it rather than register "
                    "the child again."
                )
            child.person = person
            child.save(update_fields=["person"])
            child_person_sync(child=child, user=user)
        else:
            from .family_people import link_family

            link_family(children=[child])
            child.refresh_from_db(fields=["person"])
        if child.postcode or child.address_line_1:
            address = ", ".join(
                p for p in (child.address_line_1, child.address_line_2, child.town) if p
            )
            PersonAddress.objects.get_or_create(
                person_id=child.person_id,
                address=address or child.postcode,
                postcode=child.postcode,
            )
        for other in not_same_as or []:
            pair = PossibleSamePerson.objects.between(other, child.person_id).first()
            pair = pair or PossibleSamePerson(
                first_id=other, second_id=child.person_id, reason="Registration warning"
            )
            pair.resolved_at = timezone.now()
            pair.resolution = Resolution.DIFFERENT
            pair.resolved_by = user
            pair.resolution_reason = not_same_reason.strip()
            pair.save()
    return child


@transaction.atomic
def child_allocate(
    *,
    child: Child,
    user: User,
    team: Team,
    worker: User | None,
    start_date: date,
    reason: str = "",
    expected_version: int | None = None,
) -> Allocation:
    """Allocate the child to a team and worker from `start_date`, closing the current allocation."""
    from django.core.exceptions import ValidationError

    if worker is not None and worker.team_id != team.pk:
        raise ValidationError({"worker": f"{worker} is not a member of {team}."})
    if start_date > timezone.localdate():
        raise ValidationError({"start_date": "An allocation cannot start in the future."})
    current = Allocation.objects.select_for_update().filter(child=child, end_date__isnull=True)
    with acting_as(user):
        for allocation in current:
            if start_date < allocation.start_date:
                raise ValidationError(
                    {
                        "start_date": "The new allocation cannot start before the current one "
                        f"({day(allocation.start_date)})."
                    }
                )
            allocation.end_date = start_date
            allocation.save(update_fields=["end_date"])
        child.allocated_team = team
        child.allocated_worker = worker
        save_with_version(child, expected_version=expected_version)
        allocation = Allocation.objects.create(
            child=child,
            team=team,
            worker=worker,
            start_date=start_date,
            allocated_by=user,
            reason=reason,
        )
        Allocation.objects.filter(child=child).restate()
        allocation.refresh_from_db(fields=["in_force_from", "in_force_until"])
        return allocation


@transaction.atomic
def referral_decide(
    *,
    referral: Referral,
    user: User,
    decision: str,
    reason: str,
    expected_version: int | None = None,
) -> Referral:
    """Record the threshold decision on a referral, and who made it and when."""
    referral.decision = decision
    referral.decision_reason = reason
    referral.decided_by = user
    referral.decided_at = timezone.now()
    return record_save(instance=referral, user=user, expected_version=expected_version)


@transaction.atomic
def case_note_correct(
    *, note: CaseNote, user: User, reason: str, expected_version: int | None = None
) -> CaseNote:
    """Save a corrected note, keeping the text it replaces as a numbered earlier version.

    `note` carries the new values (from the form); the previous ones are read from the database.
    """
    previous = CaseNote.objects.select_for_update().get(pk=note.pk)
    number = previous.versions.count() + 1
    with acting_as(user):
        note.full_clean()
        save_with_version(note, expected_version=expected_version)
        CaseNoteVersion.objects.create(
            note=note,
            number=number,
            note_type=previous.note_type,
            event_date=previous.event_date,
            subject=previous.subject,
            text=previous.text,
            is_significant=previous.is_significant,
            written_by=previous.versions.first().replaced_by if number > 1 else previous.author,
            written_at=previous.updated_at,
            replaced_by=user,
            correction_reason=reason,
        )
    return note


@transaction.atomic
def chronology_describe(
    *, child: Child, user: User, source_key: str, description: str, was: str | None = None
) -> ChronologyEdit | None:
    """Give a chronology entry the worker's own short description, or (an empty description)
    go back to the system's wording.

    `was` is the description the worker changed ("" for the system's wording): if someone else
    has changed it since, nothing is saved (StaleEditError). The child is locked so that two
    first descriptions of the same entry are checked one after the other.
    """
    Child.objects.select_for_update().filter(pk=child.pk).exists()
    current = ChronologyEdit.objects.filter(child=child, source_key=source_key).first()
    if was is not None and (current.description if current else "") != was:
        raise StaleEditError()
    with acting_as(user):
        if not description:
            if current is not None:
                current.delete()  # the audit log keeps the wording that was removed
            return None
        edit, _ = ChronologyEdit.objects.update_or_create(
            child=child,
            source_key=source_key,
            defaults={"description": description, "edited_by": user},
        )
    return edit


@transaction.atomic
def chronology_entry_add(*, entry: ManualChronologyEntry, user: User) -> ManualChronologyEntry:
    """Write a manual entry into the child's chronology (a historical event, another agency's
    information), recorded by `user` now."""
    entry.recorded_by = user
    with acting_as(user):
        entry.full_clean()
        entry.save()
    return entry


@transaction.atomic
def chronology_entry_edit(
    *, entry: ManualChronologyEntry, user: User, expected_version: int | None
) -> ManualChronologyEntry:
    """Save its author's change to a manual entry, keeping the words it replaces as a numbered
    earlier version. Refused for anyone but the author (PermissionDenied), and when someone
    saved the entry after the author opened it (StaleEditError).

    `entry` carries the new values (from the form); the previous ones are read from the database.
    """
    previous = ManualChronologyEntry.objects.select_for_update().get(pk=entry.pk)
    if previous.recorded_by_id != user.pk:
        raise PermissionDenied("Only the worker who wrote a manual entry may change it.")
    with acting_as(user):
        entry.full_clean()
        save_with_version(entry, expected_version=expected_version)
        ManualChronologyEntryVersion.objects.create(
            entry=entry,
            number=previous.versions.count() + 1,
            event_date=previous.event_date,
            date_accuracy=previous.date_accuracy,
            event_time=previous.event_time,
            source=previous.source,
            source_name=previous.source_name,
            description=previous.description,
            written_at=previous.updated_at,
        )
    return entry


@transaction.atomic
def child_restrict(*, child: Child, user: User, restricted: bool, people: list[User]) -> Child:
    """Restrict a child's record to named people, or lift the restriction."""
    from django.core.exceptions import ValidationError

    if restricted and not people:
        raise ValidationError(
            {"restricted_to": "Name at least one person who may open the restricted record."}
        )
    with acting_as(user):
        child.is_restricted = restricted
        child.save(update_fields=["is_restricted", "updated_at"])
        child.restricted_to.set(people if restricted else [])
    return child


@transaction.atomic
def child_birth_record(
    *,
    child: Child,
    user: User,
    date_of_birth: date,
    sex: str,
    ethnicity: str,
    first_name: str,
    last_name: str,
    known_as: str = "",
    expected_version: int | None = None,
) -> Child:
    """An unborn child is born: the same record becomes the born child's, with the real date of
    birth, sex and names. Everything recorded before the birth (referrals, enquiries, the
    pre-birth conference, the plan) stays with it; the expected date is kept
    (`birth_expected_on`) and the chronology says "Born on ...". The audit log has the change.
    """
    from django.core.exceptions import ValidationError

    locked = Child.objects.select_for_update().get(pk=child.pk)
    if not locked.is_unborn:
        raise ValidationError("The child's birth has already been recorded.")
    if expected_version is not None and locked.version != expected_version:
        raise StaleEditError()
    earliest = (
        Referral.objects.filter(child=locked).order_by("received_at").first()
        if date_of_birth
        else None
    )
    future = date_of_birth > timezone.localdate()  # full_clean says so below
    if (
        earliest
        and not future
        and (date_of_birth - earliest.referral_date).days > PRE_BIRTH_REFERRAL_DAYS
    ):
        raise ValidationError(
            {
                "date_of_birth": f"The referral of {day(earliest.referral_date)} would be "
                "more than 40 weeks before this date of birth (census rule 8606). Check the "
                "date."
            }
        )
    locked.birth_expected_on = locked.expected_date_of_birth
    locked.expected_date_of_birth = None
    locked.date_of_birth = date_of_birth
    locked.sex = sex
    locked.ethnicity = ethnicity
    locked.first_name = first_name
    locked.last_name = last_name
    locked.known_as = known_as
    locked.birth_recorded_at = timezone.now()
    with acting_as(user):
        locked.full_clean()
        save_with_version(locked, expected_version=locked.version)
    # The child's person is born too: the real date of birth, sex and names.
    child_person_sync(child=locked, user=user)
    return locked


@transaction.atomic
def family_member_save(
    *, member: FamilyMember, user: User, expected_version: int | None = None
) -> FamilyMember:
    """Save an entry of the child's family page and keep the person index in step with it.

    The entry is validated and saved as any record (a stale save is refused); then its person
    (the one it is proved to be, or a new one) and its relationship to the child are recorded
    once (`cases.family_people.link_family`). An edit brings the person's details up to date;
    a relationship the entry no longer says, and that no other entry says, is removed.
    """
    from people.models import Relationship as Link

    from .family_people import link_family

    old_link_id = (
        FamilyMember.objects.filter(pk=member.pk).values_list("link_id", flat=True).first()
        if member.pk
        else None
    )
    with acting_as(user):
        record_save(instance=member, user=user, expected_version=expected_version)
        if member.person_id is not None:
            person = member.person
            assert person is not None
            for name in ("first_name", "last_name", "sex", "date_of_birth", "date_of_death"):
                setattr(person, name, getattr(member, name))
            person.is_deceased = member.is_deceased
            if member.phone:
                person.phone = member.phone
            person.full_clean()
            save_with_version(person, expected_version=person.version)
        link_family(members=[member])
        if (
            old_link_id
            and old_link_id != member.link_id
            and not FamilyMember.objects.filter(link_id=old_link_id).exists()
        ):
            Link.objects.filter(pk=old_link_id).delete()
    return member


@transaction.atomic
def child_person_sync(*, child: Child, user: User) -> None:
    """The child's person carries the child's names, date of birth and sex (after an edit)."""
    if child.person_id is None:
        return
    from .family_people import _child_person_fields

    person = child.person
    assert person is not None
    for name, value in _child_person_fields(child).items():
        setattr(person, name, value)
    with acting_as(user):
        person.full_clean()
        save_with_version(person, expected_version=person.version)


@transaction.atomic
def child_details_save(*, child: Child, user: User, expected_version: int | None = None) -> Child:
    """Save the child's details, and the same details on the child's person."""
    record_save(instance=child, user=user, expected_version=expected_version)
    child_person_sync(child=child, user=user)
    return child


@transaction.atomic
def person_names_save(
    *,
    person: "Person",
    user: User,
    names: "list[PersonName]",
    removed: "list[PersonName]",
    expected_version: int | None,
) -> "Person":
    """Save a person's other names (known as, previous names, aliases, the name at birth):
    `names` added or changed, `removed` taken off (the audit log keeps them). The person's
    version is the lock: refused when someone changed the person since the page was opened."""
    from people.models import Person

    locked = Person.objects.select_for_update().get(pk=person.pk)
    if expected_version is None or locked.version != expected_version:
        raise StaleEditError()
    with acting_as(user):
        for name in removed:
            if name.pk and name.person_id == locked.pk:
                name.delete()
        for name in names:
            name.person = locked
            name.full_clean()
            name.save()
        save_with_version(locked, expected_version=expected_version)
    return locked


# A family page entry's words for a relationship of the person index, by the person's sex where
# the page has a word for each ("grandmother", "grandfather").
_ENTRY_WORD_BY_SEX = {"F": {"grandmother", "aunt"}, "M": {"grandfather", "uncle"}}


def _entry_relationship(member: FamilyMember, kind: str) -> str:
    from django.core.exceptions import ValidationError

    from .family_people import RELATIONSHIP_KINDS

    direction = RELATIONSHIP_KINDS.get(member.relationship, ("other", "member"))[1]
    words = [w for w, (k, d) in RELATIONSHIP_KINDS.items() if k == kind and d == direction]
    if member.relationship in words:
        return member.relationship
    if not words:
        raise ValidationError(
            {
                "kind": f"The family page entry for {member} cannot say this relationship: "
                "change the entry on the family page instead."
            }
        )
    preferred = [w for w in words if w in _ENTRY_WORD_BY_SEX.get(member.sex, set())]
    return (preferred or words)[0]


@transaction.atomic
def relationship_edit(*, link: "Link", user: User, expected_version: int | None) -> "Link":
    """Save a change to a relationship recorded once between two people: what it is, parental
    responsibility, when it began and ended. The family page entries that say it are kept in
    step (their relationship and parental responsibility), so that the next save of an entry
    does not undo the change. Refused when someone saved the relationship since the page was
    opened, or when the two people already have the relationship it is changed to.
    """
    from django.core.exceptions import ValidationError

    from people.models import SYMMETRIC_KINDS, THROUGH_A_PARENT_KINDS
    from people.models import Relationship as Link

    previous = Link.objects.select_for_update().get(pk=link.pk)
    kind_changed = link.kind != previous.kind
    if kind_changed:
        # Read the same from either side: stored lower person first, as link_family does.
        if link.kind in SYMMETRIC_KINDS and link.person_id > link.relative_id:
            link.person_id, link.relative_id = link.relative_id, link.person_id
        if link.kind not in THROUGH_A_PARENT_KINDS:
            link.through = None
        twin = Link.objects.filter(
            person_id=link.person_id, relative_id=link.relative_id, kind=link.kind
        ).exclude(pk=link.pk)
        if twin.exists():
            raise ValidationError({"kind": "This relationship between them is already recorded."})
    with acting_as(user):
        link.full_clean()
        save_with_version(link, expected_version=expected_version)
        for member in FamilyMember.objects.select_for_update().filter(link_id=link.pk):
            member.parental_responsibility = link.parental_responsibility
            if kind_changed:
                member.relationship = _entry_relationship(member, link.kind)
            try:
                member.full_clean()
            except ValidationError as error:
                raise ValidationError(
                    f"The family page entry for {member} cannot say this: "
                    f"{' '.join(error.messages)} Change the entry on the family page instead."
                ) from error
            save_with_version(member, expected_version=member.version)
    return link


@transaction.atomic
def household_move(
    *,
    child: Child,
    user: User,
    address: str,
    postcode: str,
    start_date: date,
    people: list,
    expected_version: int | None,
) -> object:
    """The child (and the people chosen) live at `address` from `start_date`: a new household.

    Each of them leaves their current household the day before, and their address history
    gains the new address (the previous one ended the day before). Refused if the child's
    household was changed by someone else since the form was opened (the child's person's
    version), or if the move is dated before the child's current household began.
    """
    from datetime import timedelta

    from django.core.exceptions import ValidationError

    from people.models import Household, HouseholdMember, Person, PersonAddress

    from .family_people import link_family

    if child.person_id is None:
        link_family(members=[], children=[child])
    person = Person.objects.select_for_update().get(pk=child.person_id)
    if expected_version is not None and person.version != expected_version:
        raise StaleEditError()
    moving = [person, *[p for p in people if p.pk != person.pk]]
    ids = [p.pk for p in moving]
    current = HouseholdMember.objects.current(start_date).filter(
        person_id__in=ids, end_date__isnull=True
    )
    if current.filter(person_id=person.pk, start_date__gte=start_date).exists():
        raise ValidationError(
            {"start_date": "The child's current household began on or after this date."}
        )
    day_before = start_date - timedelta(days=1)
    with acting_as(user):
        for member in current.select_related("household"):
            member.end_date = max(day_before, member.start_date or day_before)
            member.save(update_fields=["end_date"])
        household = Household(address=address, postcode=postcode, start_date=start_date)
        household.full_clean()
        household.save()
        for who in moving:
            HouseholdMember.objects.create(household=household, person=who, start_date=start_date)
            PersonAddress.objects.filter(person=who, end_date__isnull=True).exclude(
                start_date__gte=start_date
            ).update(end_date=day_before)
            PersonAddress.objects.create(
                person=who, address=address, postcode=postcode, start_date=start_date
            )
        save_with_version(person, expected_version=person.version)
    return household


@transaction.atomic
def child_open_with_reason(*, child: Child, user: User, reason: str) -> OpenedWithReason:
    """A worker opens the record of a child outside their work, giving a reason: read-only,
    for settings.KNOWN_TO_US_ACCESS_HOURS; recorded and audited (django-auditlog, the actor)."""
    from .access import may_open_with_reason, open_with_reason_until

    if not may_open_with_reason(user, child):
        raise ValidationError("This record cannot be opened with a reason.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why you need to open the record."})
    with acting_as(user):
        opened = OpenedWithReason(
            user=user, child=child, reason=reason.strip(), expires_at=open_with_reason_until()
        )
        opened.full_clean()
        opened.save()
    return opened
