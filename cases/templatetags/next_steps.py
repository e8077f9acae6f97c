"""`{% next_steps child "plan" plan.pk %}`: what comes next for a record, on its page (pairs of
kind and id: `"conference" conference.pk "plan" conference.plan_id`).

The timescales come from the one source the summary and My tasks read (`due_for_child`, the
dates the rules stored, each with the step that meets it, monitoring/actions.py); a record may
add a step that has no timescale of its own (a decision to hold a strategy discussion: record
it). Links show only to those who may take the step.
"""

from django import template
from django.urls import reverse
from django.utils import timezone

from cases.access import child_is_writable_by
from cases.models import Child, Referral, ThresholdDecision
from cases.selectors import due_steps

register = template.Library()


def _workflow_steps(child: Child, subjects: tuple[str, ...]) -> list[dict]:
    """Steps a record's state calls for that no timescale rule dates."""
    steps = []
    for subject in subjects:
        kind, _, pk = subject.partition(":")
        if kind == "referral" and pk.isdigit():
            referral = Referral.objects.filter(child=child, pk=int(pk)).first()
            if (
                referral is not None
                and referral.decision == ThresholdDecision.STRATEGY
                and referral.is_open
                and not referral.strategy_discussions.exists()
            ):
                steps.append(
                    {
                        "what": "Strategy discussion",
                        "date": None,
                        "overdue": False,
                        "action": "Record the strategy discussion",
                        "url": reverse("strategy:discussion-add", args=[child.pk]),
                    }
                )
    return steps


@register.inclusion_tag("_next_steps.html", takes_context=True)
def next_steps(context, child: Child, *pairs, level: int = 3) -> dict:
    user = context["request"].user
    today = timezone.localdate()
    wanted = tuple(f"{kind}:{pk}" for kind, pk in zip(pairs[::2], pairs[1::2], strict=True) if pk)
    items = due_steps(child, today, wanted)
    return {
        "steps": [*_workflow_steps(child, wanted), *items],
        "can_edit": child_is_writable_by(user, child),
        # The heading's level in the page's outline (a child's record's pages have their
        # record's heading at 2; a conference page its sections at 2).
        "level": level,
    }
