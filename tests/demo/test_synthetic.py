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
