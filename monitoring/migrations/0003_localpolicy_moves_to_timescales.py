# LocalPolicy moved to the timescales app. Its rows are kept: the table is renamed in the
# database and the model leaves this app's state; timescales 0001 takes it into its own.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('monitoring', '0002_alert_digestlog'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name='localpolicy', table='timescales_localpolicy'),
            ],
            state_operations=[
                migrations.DeleteModel(name='LocalPolicy'),
            ],
        ),
    ]
