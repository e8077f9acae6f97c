"""The front door: referrals received, and children referred again within 12 months."""

from datetime import date

from django.utils import timezone

from cases.models import Referral
from timescales import rules as timescales

from .base import Card, figure, population

population(
    "referrals",
    kind="referral",
    query=lambda m: Referral.objects.filter(
        m.scope.children("child__", on="received_at", moment=True),
        received_at__gte=m.start_at,
        received_at__lt=m.end_at,
    ),
    on="received_at",
    on_moment=True,
)


def _re_referral_ids(m) -> tuple[list[int], list[int]]:
    """Referrals of the period that follow a closure of the child's case within 12 months,
    and those of them where a closure was a step-down to early help: both from one read."""

    def find() -> tuple[list[int], list[int]]:
        referrals = m.population("referrals")
        rows = list(referrals.values_list("pk", "child_id", "received_at"))
        closures: dict[int, list[tuple[date, bool]]] = {}
        for child_id, closed, stepped in Referral.objects.filter(
            child_id__in=referrals.values("child_id"),
            closure_date__gte=timescales.re_referral_window_start(m.start),
            closure_date__lte=m.end,
        ).values_list("child_id", "closure_date", "stepped_down_to_early_help"):
            closures.setdefault(child_id, []).append((closed, stepped))
        any_ids, step_down_ids = [], []
        zone = timezone.get_current_timezone()
        for pk, child_id, received in rows:
            received_on = received.astimezone(zone).date()
            window = timescales.re_referral_window_start(received_on)
            earlier = [c for c in closures.get(child_id, []) if window <= c[0] <= received_on]
            if earlier:
                any_ids.append(pk)
                if any(stepped for _, stepped in earlier):
                    step_down_ids.append(pk)
        return any_ids, step_down_ids

    return m.memo("re_referral_ids", find)


population("re_referrals", kind="referral", model=Referral, ids=lambda m: _re_referral_ids(m)[0])
population(
    "re_referrals_after_step_down",
    kind="referral",
    model=Referral,
    ids=lambda m: _re_referral_ids(m)[1],
)

figure("referrals", "Referrals received", "referrals")
figure(
    "re_referrals_12m",
    "Re-referrals within 12 months",
    "re_referrals",
    of="referrals",
    json=("count", "pct"),
    card=Card("multi", 80, "Re-referrals within 12 months"),
)
figure(
    "re_referrals_after_step_down",
    "Re-referrals after a step-down to early help",
    "re_referrals_after_step_down",
    card=Card("multi", 90, "Re-referrals after step-down to early help"),
)
