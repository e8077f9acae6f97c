"""LocalPolicy moved from monitoring to timescales: an authority's own timescales survive it."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("monitoring", "0002_alert_digestlog"), ("timescales", None)]
AFTER = [("monitoring", "0003_localpolicy_moves_to_timescales"), ("timescales", "0001_initial")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1]]).apps


@pytest.mark.django_db(transaction=True)
def test_local_policy_set_before_the_move_is_the_policy_after_it(migrations_back_to_latest):
    old = _migrate(BEFORE)
    old.get_model("monitoring", "LocalPolicy").objects.create(
        pk=1, statutory_visit_working_days=15, minutes_working_days=12, iro_caseload_warning=55
    )
    old.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label="monitoring", model="localpolicy"
    )

    new = _migrate(AFTER)

    policy = new.get_model("timescales", "LocalPolicy").objects.get()
    assert (policy.statutory_visit_working_days, policy.minutes_working_days) == (15, 12)
    assert policy.iro_caseload_warning == 55
    # Permissions granted on the policy hang off its content type, which moved with it.
    content_types = new.get_model("contenttypes", "ContentType").objects
    assert list(content_types.filter(model="localpolicy").values_list("app_label", flat=True)) == [
        "timescales"
    ]
