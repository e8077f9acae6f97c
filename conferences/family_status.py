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
    took part, and how many core groups each attended: the person chosen on the participants
    and core-group forms (never a name: a namesake is someone else, a renamed parent is still
    them). Two queries."""
    wanted = {p.pk for p in people}
    found: dict[int, dict] = {}

    def facts(pk: int) -> dict:
        return found.setdefault(pk, {"invited": False, "attended": False, "core_groups": 0})

    # A sibling-group conference's invitations are on its lead: the child's own or the lead's.
    participants = (
        ConferenceParticipant.objects.filter(
            Q(conference__child_id=child_id) | Q(conference__group_members__child_id=child_id),
            person_id__in=wanted,
        )
        .distinct()
        .values_list("pk", "person_id", "status")
    )
    for _pk, person_id, status in participants:
        facts(person_id)["invited"] = True
        facts(person_id)["attended"] |= status == AttendanceStatus.ATTENDED
    for person_id in CoreGroupMeeting.family_attendees.through.objects.filter(
        coregroupmeeting__plan__child_id=child_id, person_id__in=wanted
    ).values_list("person_id", flat=True):
        facts(person_id)["core_groups"] += 1
    return found
