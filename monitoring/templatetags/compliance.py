"""`{% compliance_warnings "conference" conference.pk %}`: the compliance gaps the rules found
on a record (police absent from an ICPC, a health attendee who did not know the child), shown
on the record's own page from the alerts the scan stored: the rule is not worked out again."""

from django import template

from monitoring.models import PENDING_STATUSES, Alert
from monitoring.rules import RULES_BY_CODE

register = template.Library()

GAPS = [code for code, rule in RULES_BY_CODE.items() if rule.immediate]


@register.inclusion_tag("monitoring/_compliance_warnings.html")
def compliance_warnings(kind: str, pk) -> dict:
    alerts = list(
        Alert.objects.filter(
            subject_key=f"{kind}:{pk}", rule__in=GAPS, status__in=PENDING_STATUSES
        ).order_by("rule", "pk")
    )
    return {
        "warnings": [
            {"title": RULES_BY_CODE[a.rule].title, "evidence": a.evidence, "status": a.status}
            for a in alerts
        ]
    }
