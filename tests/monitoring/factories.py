from django.utils import timezone

from monitoring.models import Alert


def stored_alert(
    child, rule: str, subject: str, due, status: str = "upcoming", evidence: str = ""
) -> Alert:
    """An alert as the scan stores it, for the child's worker and team."""
    now = timezone.now()
    return Alert.objects.create(
        rule=rule,
        subject_key=subject,
        child=child,
        status=status,
        due_date=due,
        responsible_worker=child.allocated_worker,
        responsible_team=child.allocated_team,
        evidence=evidence,
        first_found_at=now,
        last_found_at=now,
    )
