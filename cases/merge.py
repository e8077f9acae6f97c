"""Merging two person records into one, and reversing the merge.

Every row of every app that points at the duplicate person (a ForeignKey or OneToOneField to
`people.Person`), and, when both people have a child's record, every row that points at the
duplicate child (to `cases.Child`, many-to-many tables included), moves to the survivor. The
fields are found by introspecting every installed model (`merge_fields`), so an app added
later is covered without a change here (`tests/people/test_merge.py` checks a model of each
app). Each move is logged (`people.PersonMergeMove`: model, pk, field, old value); the
duplicate's own rows, and rows that would say again what one of the survivor's already says
(the same relationship, the same household, the same person named on a restriction), are
removed and kept serialized on the merge, so that within settings.PERSON_MERGE_REVERSIBLE_DAYS
the merge can be reversed: rows moved back, the duplicate restored with its own ids.

A row that cannot move because the survivor holds one of a kind only one may be open (two open
child protection plans, two open enquiries) stops the merge with a message: a person must end
one first. Atomic; refused when either person was saved by someone else after the page was
opened; audited (django-auditlog records the merge and its reversal, with the actor).
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.db.models.deletion import Collector
from django.utils import timezone

from accounts.actor import acting_as
from accounts.models import User
from people.models import (
    Person,
    PersonMerge,
    PersonMergeMove,
    PossibleSamePerson,
    Resolution,
)
from wirral_cp.concurrency import StaleEditError

from .models import Allocation, Child

# The merge's own log is not moved by the merge.
_NOT_MOVED = {PersonMerge, PersonMergeMove}


@dataclass(frozen=True)
class MergeField:
    model: type[models.Model]
    field: models.Field

    @property
    def label(self) -> str:
        return f"{self.model._meta.label}.{self.field.name}"


def merge_fields(target: type[models.Model]) -> list[MergeField]:
    """Every concrete ForeignKey or OneToOneField to `target` in every installed app (the
    tables of many-to-many fields included)."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        if model in _NOT_MOVED or model._meta.proxy or not model._meta.managed:
            continue
        for f in model._meta.concrete_fields:
            if f.is_relation and (f.many_to_one or f.one_to_one) and f.related_model is target:
                found.append(MergeField(model, f))
    return found


def _serialize(objs: list[models.Model]) -> list[dict[str, Any]]:
    return json.loads(serializers.serialize("json", objs))


def _remove(merge: PersonMerge, obj: models.Model, removed: list[dict[str, Any]]) -> None:
    """Delete `obj` and what deleting it cascades to, keeping them all serialized (and the
    references it sets to null logged as moves, so a reversal puts them back)."""
    collector = Collector(using="default")
    collector.collect([obj])
    doomed: list[models.Model] = []
    for qs in collector.fast_deletes:
        doomed.extend(qs)
    for _model, instances in collector.data.items():
        doomed.extend(instances)
    for (field, _value), targets in collector.field_updates.items():
        for target in targets:
            rows = target if isinstance(target, models.QuerySet) else [target]
            for row in rows:
                PersonMergeMove.objects.create(
                    merge=merge,
                    model=row._meta.label,
                    object_pk=str(row.pk),
                    field=field.attname,
                    old_value=getattr(row, field.attname),
                    new_value=None,
                )
    removed.extend(_serialize(doomed))
    obj.delete()


def _one_only_message(model: type[models.Model]) -> str:
    return (
        f"Both records have an open {model._meta.verbose_name} and only one may be open: end "
        "the duplicate's first, then merge."
    )


def _move_rows(
    merge: PersonMerge,
    target: type[models.Model],
    old: models.Model,
    new: models.Model,
    removed: list[dict[str, Any]],
) -> int:
    moved = 0
    for mf in merge_fields(target):
        model, name = mf.model, mf.field.attname
        rows = list(model._default_manager.filter(**{name: old.pk}))
        versioned = any(f.name == "version" for f in model._meta.concrete_fields)
        for row in rows:
            try:
                with transaction.atomic():
                    updates: dict[str, Any] = {name: new.pk}
                    if versioned:
                        updates["version"] = F("version") + 1
                    model._default_manager.filter(pk=row.pk).update(**updates)
            except IntegrityError as error:
                # Only one of a kind may be open (a plan, an enquiry): a person decides.
                if _is_open_once(model, name, error):
                    raise ValidationError(_one_only_message(model)) from error
                # The survivor already has this row (the same relationship, household,
                # person named on a restriction), or it would relate the survivor to
                # themselves: it says nothing new, so it goes, kept for a reversal.
                _remove(merge, row, removed)
                continue
            PersonMergeMove.objects.create(
                merge=merge,
                model=model._meta.label,
                object_pk=str(row.pk),
                field=name,
                old_value=old.pk,
                new_value=new.pk,
            )
            moved += 1
    return moved


def _is_open_once(model: type[models.Model], name: str, error: IntegrityError) -> bool:
    """Whether the row broke a "one open per child (or person)" constraint: a unique
    constraint on the moved field alone (one open plan, one open enquiry per child)."""
    text = str(error)
    return any(
        isinstance(c, models.UniqueConstraint)
        and c.name in text
        and [getattr(model._meta.get_field(f), "attname", f) for f in c.fields] == [name]
        for c in model._meta.constraints
    )


def _locked(pk: int) -> Person:
    return Person.objects.select_for_update().get(pk=pk)


@transaction.atomic
def people_merge(
    *,
    survivor: Person,
    duplicate: Person,
    user: User,
    reason: str,
    survivor_version: int,
    duplicate_version: int,
) -> PersonMerge:
    """Merge `duplicate` into `survivor`: every record moves to the survivor (and the
    duplicate child's to the surviving child), the duplicate is removed, all of it logged so
    that it can be reversed. Refused when either was saved since the page showed them."""
    if survivor.pk == duplicate.pk:
        raise ValidationError("Choose two different people to merge.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why these are the same person."})
    first, second = sorted([survivor.pk, duplicate.pk])
    locked = {first: _locked(first), second: _locked(second)}
    survivor, duplicate = locked[survivor.pk], locked[duplicate.pk]
    if survivor.version != survivor_version or duplicate.version != duplicate_version:
        raise StaleEditError()
    s_child = Child.objects.select_for_update().filter(person=survivor).first()
    d_child = Child.objects.select_for_update().filter(person=duplicate).first()
    if d_child is not None and d_child.is_restricted and not (s_child and s_child.is_restricted):
        raise ValidationError(
            "The duplicate's record is restricted and the surviving one is not: restrict the "
            "surviving record to the same people first, or keep the restricted one."
        )
    now = timezone.now()
    with acting_as(user):
        merge = PersonMerge.objects.create(
            survivor=survivor,
            duplicate_id=duplicate.pk,
            duplicate_name=duplicate.full_name,
            survivor_child_id=s_child.pk if s_child else None,
            duplicate_child_id=d_child.pk if d_child else None,
            reason=reason.strip(),
            merged_by=user,
            merged_at=now,
            reversible_until=now + timedelta(days=settings.PERSON_MERGE_REVERSIBLE_DAYS),
        )
        removed: list[dict[str, Any]] = []
        # The pair's own "possible same" entry is answered by the merge.
        for pair in PossibleSamePerson.objects.between(survivor.pk, duplicate.pk):
            _remove(merge, pair, removed)
        if s_child is not None and d_child is not None:
            # The duplicate child's current allocation ends: the surviving record's stands.
            for allocation in Allocation.objects.filter(child=d_child, end_date__isnull=True):
                _log_field(merge, allocation, "end_date", None, timezone.localdate())
            _move_rows(merge, Child, d_child, s_child, removed)
            _remove(merge, Child.objects.get(pk=d_child.pk), removed)
        _move_rows(merge, Person, duplicate, survivor, removed)
        _remove(merge, Person.objects.get(pk=duplicate.pk), removed)
        if s_child is not None:
            Allocation.objects.filter(child=s_child).restate()
        merge.removed = removed
        merge.save(update_fields=["removed"])
        Person.objects.filter(pk=survivor.pk).update(version=F("version") + 1)
    return merge


def _log_field(merge: PersonMerge, row: models.Model, name: str, old: Any, new: Any) -> None:
    type(row)._default_manager.filter(pk=row.pk).update(**{name: new})
    PersonMergeMove.objects.create(
        merge=merge,
        model=row._meta.label,
        object_pk=str(row.pk),
        field=name,
        old_value=old.isoformat() if hasattr(old, "isoformat") else old,
        new_value=new.isoformat() if hasattr(new, "isoformat") else new,
    )


def _restore(rows: list[dict[str, Any]]) -> None:
    # Foreign keys are checked at commit (deferred), so the order of the rows does not matter.
    for obj in serializers.deserialize("json", json.dumps(rows)):
        obj.save()


def _moves_back(merge: PersonMerge) -> Iterator[tuple[PersonMergeMove, type[models.Model]]]:
    for move in merge.moves.order_by("-pk"):
        yield move, apps.get_model(move.model)


@transaction.atomic
def people_merge_reverse(
    *, merge: PersonMerge, user: User, reason: str, expected_version: int
) -> PersonMerge:
    """Undo a merge within its period: the duplicate (and its child's record) restored with
    their own ids, every moved row moved back. Rows added to the survivor since stay there."""
    merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.version != expected_version:
        raise StaleEditError()
    if merge.reversed_at is not None:
        raise ValidationError("This merge has already been reversed.")
    if not merge.may_be_reversed():
        raise ValidationError(
            "This merge can no longer be reversed: the period for reversing it has ended."
        )
    if not reason.strip():
        raise ValidationError({"reason": "Say why the merge is being reversed."})
    with acting_as(user):
        _restore(merge.removed)
        for move, model in _moves_back(merge):
            field = next(f for f in model._meta.concrete_fields if f.attname == move.field)
            updates: dict[str, Any] = {field.attname: move.old_value}
            if any(f.name == "version" for f in model._meta.concrete_fields):
                updates["version"] = F("version") + 1
            # Only a row still as the merge left it moves back.
            model._default_manager.filter(
                pk=move.object_pk, **{field.attname: _value(field, move.new_value)}
            ).update(**updates)
        children = [merge.survivor_child_id, merge.duplicate_child_id]
        Allocation.objects.filter(child_id__in=[c for c in children if c]).restate()
        merge.reversed_at = timezone.now()
        merge.reversed_by = user
        merge.reversal_reason = reason.strip()
        merge.version += 1
        merge.save(update_fields=["reversed_at", "reversed_by", "reversal_reason", "version"])
        for pair in PossibleSamePerson.objects.between(merge.survivor_id, merge.duplicate_id):
            pair.resolved_at = timezone.now()
            pair.resolution = Resolution.DIFFERENT
            pair.resolved_by = user
            pair.resolution_reason = f"Merge reversed: {reason.strip()}"
            pair.save()
        Person.objects.filter(pk=merge.survivor_id).update(version=F("version") + 1)
    return merge


def _value(field: models.Field, value: Any) -> Any:
    return field.to_python(value) if value is not None else None
