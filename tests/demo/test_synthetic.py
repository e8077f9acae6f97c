from datetime import date

from cases.models import Assessment, Child, Referral, Visit
from conferences.models import ChildProtectionPlan, Conference, CoreGroupMeeting
from demo.synthetic import generate_authority
from monitoring.services import timescales_scan
from strategy.models import Section47, StrategyDiscussion


def test_synthetic_authority_passes_the_models_own_validation(db):
    counts = generate_authority(children=120, seed=7, as_of=date(2026, 11, 20))
    assert Child.objects.count() == counts.children == 120
    for model in (
        Child,
        Referral,
        Assessment,
        StrategyDiscussion,
        Section47,
        Conference,
        ChildProtectionPlan,
        CoreGroupMeeting,
        Visit,
    ):
        rows = list(model.objects.all()[:80])
        assert rows, model
        for row in rows:
            row.full_clean()
    # At most one open plan and one open enquiry per child, as the constraints require.
    assert (
        ChildProtectionPlan.objects.filter(end_date__isnull=True).values("child").distinct().count()
        == ChildProtectionPlan.objects.filter(end_date__isnull=True).count()
    )
    assert timescales_scan(as_of=date(2026, 11, 20)).found


def test_chunks_shared_by_two_processes_make_the_same_records_as_one(transactional_db):
    """Each chunk draws from its own generators, so two processes (each its own connection,
    its own transactions) make what one does; every record is committed."""
    import pytest
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("processes share the chunks on PostgreSQL only")
    as_of = date(2026, 11, 20)
    counts = generate_authority(children=90, seed=7, as_of=as_of, chunk=30, workers=2)
    assert Child.objects.count() == counts.children == 90
    assert Referral.objects.count() == counts.referrals
    assert Visit.objects.count() == counts.visits
    made = (
        counts.referrals,
        counts.section47s,
        counts.conferences,
        counts.plans,
        counts.visits,
        counts.extra,
    )
    births = [b for _, b in sorted(Child.objects.values_list("la_child_id", "date_of_birth"))]
    # One process, as an authority of its own next to the first (its own staff and numbers).
    again = generate_authority(
        children=90, seed=7, as_of=as_of, chunk=30, workers=1, prefix="Again"
    )
    assert (
        again.referrals,
        again.section47s,
        again.conferences,
        again.plans,
        again.visits,
        again.extra,
    ) == made
    second = Child.objects.order_by("la_child_id").values_list("la_child_id", "date_of_birth")
    assert [b for _, b in second][90:] == births
