"""What a child protection plan adds to a brother's or sister's status on the family view."""

from cases.family import register_sibling_status

from .models import ChildProtectionPlan


@register_sibling_status
def plan_status(child_ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    plans = ChildProtectionPlan.objects.filter(child_id__in=child_ids, end_date__isnull=True)
    for plan in plans.order_by("start_date"):
        found.setdefault(plan.child_id, []).append(
            f"On a child protection plan since {plan.start_date:%d/%m/%Y} "
            f"({plan.get_latest_category_display().lower()})"
        )
    return found
