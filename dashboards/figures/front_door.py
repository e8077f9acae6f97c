"""The front door: referrals received, and children referred again within 12 months.

Two measures of children referred again, both worked out by the rules in timescales.rules:

- the DfE's "re-referrals within 12 months" (CIN census): a referral within 12 months of a
  previous referral of the same child;
- a local one, "re-referred within 12 months of closure or step-down": a referral within 12
  months of an earlier episode's closure (and, of those, after a step-down to early help).
"""

from datetime import date, datetime, time

from django.db.models import Q
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


def _re_referral_ids(m) -> dict[str, list[int]]:
    """The period's referrals that are re-referrals (DfE), that follow a closure within 12
    months (local), and that follow a step-down to early help: all from one read of the
    children's earlier episodes."""

    def find() -> dict[str, list[int]]:
        referrals = m.population("referrals")
        rows = list(referrals.values_list("pk", "child_id", "received_at"))
        window = timescales.re_referral_window_start(m.start)
        zone = timezone.get_current_timezone()
        earlier: dict[int, list[tuple[int, datetime, date | None, bool]]] = {}
        window_at = timezone.make_aware(datetime.combine(window, time.min))
        for pk, child_id, received, closed, stepped in (
            Referral.objects.filter(
                child_id__in=referrals.values("child_id"), received_at__lt=m.end_at
            )
            .filter(Q(received_at__gte=window_at) | Q(closure_date__gte=window))
            .values_list(
                "pk", "child_id", "received_at", "closure_date", "stepped_down_to_early_help"
            )
        ):
            earlier.setdefault(child_id, []).append((pk, received, closed, stepped))
        found: dict[str, list[int]] = {"dfe": [], "after_closure": [], "after_step_down": []}
        for pk, child_id, received in rows:
            received_on = received.astimezone(zone).date()
            others = [e for e in earlier.get(child_id, []) if e[0] != pk and e[1] < received]
            previous = [e[1].astimezone(zone).date() for e in others]
            if timescales.is_re_referral(received_on, previous):
                found["dfe"].append(pk)
            closures = [(e[2], e[3]) for e in earlier.get(child_id, []) if e[0] != pk and e[2]]
            if timescales.is_re_referral_after_closure(received_on, [c for c, _ in closures]):
                found["after_closure"].append(pk)
                stepped = [c for c, s in closures if s]
                if timescales.is_re_referral_after_closure(received_on, stepped):
                    found["after_step_down"].append(pk)
        return found

    return m.memo("re_referral_ids", find)


population(
    "rereferrals_within_12_months",
    kind="referral",
    model=Referral,
    ids=lambda m: _re_referral_ids(m)["dfe"],
)
population(
    "rereferrals_after_closure",
    kind="referral",
    model=Referral,
    ids=lambda m: _re_referral_ids(m)["after_closure"],
)
population(
    "re_referrals_after_step_down",
    kind="referral",
    model=Referral,
    ids=lambda m: _re_referral_ids(m)["after_step_down"],
)

figure("referrals", "Referrals received", "referrals")
figure(
    "rereferrals_within_12_months",
    "Re-referrals within 12 months (DfE: within 12 months of a previous referral)",
    "rereferrals_within_12_months",
    of="referrals",
    json=("count", "pct"),
    card=Card("multi", 80, "Re-referrals within 12 months"),
)
figure(
    "rereferrals_after_closure",
    "Re-referred within 12 months of closure or step-down (local measure)",
    "rereferrals_after_closure",
    of="referrals",
    json=("count", "pct"),
    card=Card("multi", 85, "Re-referred within 12 months of closure or step-down (local)"),
)
figure(
    "re_referrals_after_step_down",
    "Re-referred within 12 months of a step-down to early help (local measure)",
    "re_referrals_after_step_down",
    card=Card("multi", 90, "Re-referred after step-down to early help (local)"),
)
