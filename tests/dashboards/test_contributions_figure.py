"""Contributions from partner agencies received in time, by agency: the figure and its
drill-down count the same requests."""

import datetime

from django.urls import reverse
from django.utils import timezone

from dashboards.measures import Measures, Scope
from documents.models import ContributionRequest
from partners.models import PartnerPerson
from tests.documents.test_contributions import ask, conference_of, gp  # noqa: F401 - fixture
from tests.partners.factories import OrganisationFactory

AUTHORITY = Scope("authority", "Whole authority")


def test_received_in_time_by_agency_equals_its_drill_down(world, gp, login):  # noqa: F811
    today = timezone.localdate()
    conference = conference_of(world.child)
    police = PartnerPerson.objects.create(
        organisation=OrganisationFactory(name="Synthetic Police", agency="police"),
        name="PC Bo Test",
        email="bo@example.invalid",
    )
    in_time = ask(world, conference, gp)
    late = ask(world, conference, gp)
    missed = ask(world, conference, police, profession="police_officer")
    not_yet = ask(
        world, conference, police, profession="police_officer"
    )  # due in the future: not counted yet
    yesterday = today - datetime.timedelta(days=1)
    ContributionRequest.objects.filter(pk=in_time.pk).update(
        due_date=yesterday, received_at=timezone.now(), in_time=True
    )
    ContributionRequest.objects.filter(pk=late.pk).update(
        due_date=yesterday, received_at=timezone.now(), in_time=False
    )
    ContributionRequest.objects.filter(pk=missed.pk).update(due_date=yesterday)
    ContributionRequest.objects.filter(pk=not_yet.pk).update(
        due_date=today + datetime.timedelta(days=2)
    )
    start, end = today - datetime.timedelta(days=30), today + datetime.timedelta(days=30)
    m = Measures(AUTHORITY, start, end)
    assert m.count("contributions_due") == 3
    assert m.count("contributions_in_time") == 1
    assert m.count("contributions_due_health") == 2
    assert m.count("contributions_in_time_health") == 1
    assert m.count("contributions_due_police") == 1
    assert m.count("contributions_in_time_police") == 0
    client = login(world.senior_manager)
    period = {"from": start.isoformat(), "to": end.isoformat()}
    for key, listed, every in (
        ("contributions_in_time_health", 1, 2),
        ("contributions_in_time_police", 0, 1),
    ):
        csv = client.get(reverse("dashboards:drill", args=[key]), {**period, "format": "csv"})
        assert len(csv.getvalue().decode().strip().splitlines()) - 1 == listed
        csv = client.get(
            reverse("dashboards:drill", args=[key]), {**period, "format": "csv", "all": "1"}
        )
        assert len(csv.getvalue().decode().strip().splitlines()) - 1 == every
    page = client.get(
        reverse("dashboards:drill", args=["contributions_in_time_health"]), {**period, "all": "1"}
    ).content.decode()
    assert "Dr Ada Test" in page and "Health" in page and ">health<" not in page
    service = client.get(reverse("dashboards:service"), period).content.decode()
    assert "Health: contributions in time" in service and "50.0%" in service
