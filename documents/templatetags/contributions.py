"""`{% contributions event %}`: on a strategy discussion's, a conference's or a core group's
page (a multi-agency check's on its contact's page), who was asked for a contribution, per
agency asked / received / late, and a link to ask (for those who may). Read from
`documents.selectors`; the page has already let the user in."""

from typing import Any

from django import template
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from ..contributions import kind_of
from ..models import ContributionRequest
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
    requests = _requests_of(context, target, kind) if kind else []
    for item in requests:
        item.status_words = item.status(today)  # type: ignore[attr-defined]
    ask_url = None
    if kind is not None and may_request_contribution(user, target):
        child_id = _child_id(target, kind)
        ask_url = reverse(
            "documents:contribution-request-new", args=[child_id, kind.slug, target.pk]
        )
    return {
        "kind": kind,
        "target": target,
        "requests": requests,
        "by_agency": contributions_by_agency(requests, today),
        "ask_url": ask_url,
        # A target shown on another record's page (a check on the contact's) is named.
        "of": str(target) if kind is not None and kind.lands_on is not None else "",
        "heading": f"h{heading_level}",
        "heading_class": "h4" if heading_level <= 2 else "h5",
        "section_id": f"contributions-{kind.slug if kind else 'x'}-{target.pk}",
    }


def _child_id(target: Any, kind: Any) -> int:
    return target.plan.child_id if kind.child_field == "plan__child" else target.child_id


def _requests_of(context: Any, target: Any, kind: Any) -> list[ContributionRequest]:
    """The target's requests. A page that shows several meetings of one child (the core
    groups) reads the child's requests once, whatever the number of meetings."""
    cache = context.render_context.setdefault("contribution_requests", {})
    child_id = _child_id(target, kind)
    if child_id not in cache:
        cache[child_id] = list(contribution_requests_of_target(None).filter(child_id=child_id))
    type_id = ContentType.objects.get_for_model(type(target)).pk
    return [r for r in cache[child_id] if r.target_type_id == type_id and r.target_id == target.pk]
