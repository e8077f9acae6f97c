"""A contribution asked of a partner professional and not received by its due date is an alert,
resolved when it arrives; My tasks links it to the child's contribution requests."""

import datetime

from django.urls import reverse
from django.utils import timezone

from documents import services
from documents.models import ContributionRequest
from monitoring.actions import alert_step
from monitoring.models import Alert, AlertStatus
from monitoring.services import timescales_scan
from tests.documents.test_contributions import ask, conference_of, gp  # noqa: F401 - fixture


def open_alerts():
    return list(Alert.objects.filter(rule="CONTRIBUTION_LATE").exclude(status=AlertStatus.RESOLVED))


def test_a_late_contribution_is_an_alert_until_it_arrives(world, gp):  # noqa: F811
    today = timezone.localdate()
    request = ask(world, conference_of(world.child), gp, due=today)
    timescales_scan(as_of=today)
    assert open_alerts() == []  # due today: not late yet
    timescales_scan(as_of=today + datetime.timedelta(days=1))
    (alert,) = open_alerts()
    assert alert.subject_key == f"contribution:{request.pk}"
    assert alert.due_date == today and alert.child_id == world.child.pk
    assert "Dr Ada Test (Health)" in alert.evidence
    step = alert_step(alert)
    assert step.url == reverse("documents:contribution-requests", args=[world.child.pk])
    ContributionRequest.objects.filter(pk=request.pk).update(verified_at=timezone.now())
    request.refresh_from_db()
    services.contribution_submit(request=request, text="Here it is.", stream=None, via="portal")
    timescales_scan(as_of=today + datetime.timedelta(days=1))
    assert open_alerts() == []
