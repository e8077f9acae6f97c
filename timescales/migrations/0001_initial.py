# LocalPolicy, moved here from monitoring with its table (renamed by monitoring 0003): this
# migration only records the model in this app's state, and moves its content type so that
# permissions granted on it and admin history follow it.

import django.core.validators
from django.db import migrations, models


def content_type_to(app_label, from_label):
    def move(apps, schema_editor):
        ContentType = apps.get_model('contenttypes', 'ContentType')
        db = schema_editor.connection.alias
        if not ContentType.objects.using(db).filter(app_label=app_label, model='localpolicy').exists():
            ContentType.objects.using(db).filter(app_label=from_label, model='localpolicy').update(
                app_label=app_label
            )

    return move


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('monitoring', '0003_localpolicy_moves_to_timescales'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='LocalPolicy',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('first_core_group_working_days', models.PositiveSmallIntegerField(default=10, help_text='First core group within this many working days of the ICPC.', validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(30)])),
                        ('core_group_interval_weeks', models.PositiveSmallIntegerField(default=6, help_text='Core groups at most this many weeks apart.', validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(12)])),
                        ('statutory_visit_working_days', models.PositiveSmallIntegerField(default=10, help_text='Statutory visits to a child on a plan at most this many working days apart.', validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(30)])),
                        ('oversight_weeks', models.PositiveSmallIntegerField(default=4, help_text='Management oversight of a child on a plan at least this often (weeks).', validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(12)])),
                        ('minutes_working_days', models.PositiveSmallIntegerField(default=15, help_text='Conference minutes distributed within this many working days.', validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(30)])),
                        ('iro_caseload_warning', models.PositiveSmallIntegerField(default=70, help_text='Warn when an IRO chairs conferences for more children than this.', validators=[django.core.validators.MinValueValidator(1)])),
                        ('due_soon_working_days', models.PositiveSmallIntegerField(default=3, help_text='Warn this many working days before something falls due.', validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(20)])),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                    ],
                    options={
                        'verbose_name': 'local timescale policy',
                        'verbose_name_plural': 'local timescale policy',
                    },
                ),
            ],
        ),
        migrations.RunPython(
            content_type_to('timescales', 'monitoring'),
            content_type_to('monitoring', 'timescales'),
        ),
    ]
