"""Strategy discussions and who took part; section 47 enquiries."""

from django.db.models import Q

from strategy.models import S47Outcome, Section47, StrategyDiscussion

from .base import Card, Column, figure, population

population(
    "strategy_discussions",
    kind="strategy",
    query=lambda m: StrategyDiscussion.objects.with_participation().filter(
        m.scope.children("child__", on="held_at", moment=True),
        held_at__gte=m.start_at,
        held_at__lt=m.end_at,
    ),
    on="held_at",
    on_moment=True,
)
# Health that took part, and health that only sent information, are reported apart.
population("strategy_with_health", of="strategy_discussions", where=Q(health_took_part=True))
population(
    "strategy_health_information_only",
    of="strategy_discussions",
    where=Q(health_information_only=True),
)
population("strategy_with_police", of="strategy_discussions", where=Q(has_police=True))
population(
    "s47s_ended_without_icpc",
    kind="section47",
    query=lambda m: Section47.objects.filter(
        m.scope.children("child__", on="completion_date"),
        outcome__in=[S47Outcome.ICPC_NOT_REQUIRED, S47Outcome.NOT_SUBSTANTIATED],
        completion_date__gte=m.start,
        completion_date__lte=m.end,
    ),
    on="completion_date",
)

figure(
    "strategy_discussions",
    "Strategy discussions",
    "strategy_discussions",
    card=Card("multi", 10, "Strategy discussions"),
)
figure(
    "strategy_with_health",
    "Strategy discussions with health taking part",
    "strategy_with_health",
    of="strategy_discussions",
    card=Card("multi", 20, "With health taking part"),
    column=Column(40, "Strategy with health %"),
)
figure(
    "strategy_health_information_only",
    "Strategy discussions where health sent information only",
    "strategy_health_information_only",
    of="strategy_discussions",
    card=Card("multi", 25, "Health sent information only"),
    column=Column(45, "Strategy health information only %"),
)
figure(
    "strategy_with_police",
    "Strategy discussions with police",
    "strategy_with_police",
    of="strategy_discussions",
    card=Card("multi", 30, "With police taking part"),
    column=Column(50, "Strategy with police %"),
)
figure(
    "s47_ended_without_icpc",
    "Section 47 enquiries ended without an ICPC",
    "s47s_ended_without_icpc",
    card=Card("icpc", 60, "Section 47s ended without an ICPC"),
)
