"""The table of the "figures" cache (settings.CACHES): the dashboards' kept figures, shared by
every process. Django makes a database cache's table with `createcachetable`; doing it here
means `migrate` makes it wherever the application runs (and it is kept out of the migrations'
models: the cache reads and writes it with its own SQL)."""

from django.core.management import call_command
from django.db import migrations


def make_table(apps, schema_editor):
    # Every database cache of settings.CACHES (the "figures" one: dashboards_kept_figures).
    call_command("createcachetable", database=schema_editor.connection.alias)


def drop_table(apps, schema_editor):
    schema_editor.execute("DROP TABLE IF EXISTS dashboards_kept_figures")


class Migration(migrations.Migration):
    dependencies = [("dashboards", "0001_figure_targets")]

    operations = [migrations.RunPython(make_table, drop_table)]
