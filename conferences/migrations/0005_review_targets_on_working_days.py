"""Review targets are calendar months from the ICPC or the last review; one that ends on a
weekend or a bank holiday now falls due on the working day before. Bring the stored targets of
reviews not yet held into line (held reviews keep the target they were measured against)."""

from datetime import timedelta

from django.db import migrations

from timescales.calendar import is_working_day


def forwards(apps, schema_editor):
    Conference = apps.get_model("conferences", "Conference")
    pending = Conference.objects.filter(conference_type="review", target_date__isnull=False)
    for conference in pending.exclude(status__in=["held", "cancelled"]).only("pk", "target_date"):
        target = conference.target_date
        while not is_working_day(target):
            target -= timedelta(days=1)
        if target != conference.target_date:
            Conference.objects.filter(pk=conference.pk).update(target_date=target)


class Migration(migrations.Migration):
    dependencies = [("conferences", "0004_conference_target_may_be_unknown")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
