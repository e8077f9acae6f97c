"""What conferences add to the family view: a brother's or sister's plan, and which of the
child's significant adults were invited to conferences and took part."""

from django.db.models import Q

from cases.family import register_involvement, register_sibling_status
from people.models import Person
from wirral_cp.dates import day

from .models import (
    AttendanceStatus,
    ChildProtectionPlan,
    ConferenceParticipant,
    CoreGroupMeeting,
    ParticipantKind,
)


@register_sibling_status
def plan_status(child_ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    plans = ChildProtectionPlan.objects.filter(child_id__in=child_ids, end_date__isnull=True)
    for plan in plans.order_by("start_date"):
        found.setdefault(plan.child_id, []).append(
            f"On a child protection plan since {day(plan.start_date)} "
            f"({plan.get_latest_category_display().lower()})"
        )
    return found


@register_involvement
def conference_involvement(child_id: int, people: list[Person]) -> dict[int, dict]:
    """Which of the child's significant adults were invited to the child's conferences and
    took part, and how many core groups each attended: matched by name, as the participants
    and the core groups' attendance lists record them (two queries)."""
    by_name = {" ".join(p.full_name.split()).casefold(): p.pk for p in people}
    found: dict[int, dict] = {}
    # A sibling-group conference's invitations are on its lead: the child's own or the lead's.
    participants = (
        ConferenceParticipant.objects.filter(
            Q(conference__child_id=child_id) | Q(conference__group_members__child_id=child_id),
            kind__in=[ParticipantKind.PARENT, ParticipantKind.FAMILY],
        )
        .distinct()
        .values_list("pk", "name", "status")
    )
    for _pk, name, status in participants:
        pk = by_name.get(" ".join(name.split()).casefold())
        if pk is None:
            continue
        facts = found.setdefault(pk, {"invited": False, "attended": False, "core_groups": 0})
        facts["invited"] = True
        facts["attended"] |= status == AttendanceStatus.ATTENDED
    for attendees in CoreGroupMeeting.objects.filter(plan__child_id=child_id).values_list(
        "attendees", flat=True
    ):
        text = " ".join(attendees.split()).casefold()
        for name, pk in by_name.items():
            if name and name in text:
                facts = found.setdefault(
                    pk, {"invited": False, "attended": False, "core_groups": 0}
                )
                facts["core_groups"] += 1
    return found
