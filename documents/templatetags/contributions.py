"""`{% contributions event %}`: on a strategy discussion's, a conference's or a core group's
page, who was asked for a contribution, per agency asked / received / late, and a link to ask
(for those who may). Read from `documents.selectors`; the page has already let the user in."""

from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone

from ..contributions import kind_of
from ..selectors import (
    contribution_requests_of_target,
    contributions_by_agency,
    may_request_contribution,
)

register = template.Library()


@register.inclusion_tag("documents/_contributions.html", takes_context=True)
def contributions(context: dict[str, Any], target: Any, heading_level: int = 2) -> dict[str, Any]:
    kind = kind_of(target)
    user = context["request"].user
    today = timezone.localdate()
    requests = list(contribution_requests_of_target(target)) if kind else []
    for item in requests:
        item.status_words = item.status(today)  # type: ignore[attr-defined]
    ask_url = None
    if kind is not None and may_request_contribution(user, target):
        child_id = target.plan.child_id if kind.child_field == "plan__child" else target.child_id
        ask_url = reverse(
            "documents:contribution-request-new", args=[child_id, kind.slug, target.pk]
        )
    return {
        "kind": kind,
        "target": target,
        "requests": requests,
        "by_agency": contributions_by_agency(requests, today),
        "ask_url": ask_url,
        "heading": f"h{heading_level}",
        "heading_class": "h4" if heading_level <= 2 else "h5",
        "section_id": f"contributions-{kind.slug if kind else 'x'}-{target.pk}",
    }
