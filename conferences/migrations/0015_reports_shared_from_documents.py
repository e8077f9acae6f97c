"""Reports shared with parents come from documents now (conferences/reports_shared.py).

What was typed before is kept as documents: for each conference with a "date reports were
shared with parents", a report document without a file ("recorded before documents were
kept") shared that day with each parent on the attendance list (or "Parents" when none was
listed). A parent's "had the reports in advance: yes" with no date on the conference cannot
be dated, so it becomes a share on the conference's date less the local number of working
days (the latest day that counts), marked as such in the document's title. Then both typed
fields go.
"""

from django.db import migrations


def forward(apps, schema_editor):
    from timescales.calendar import add_working_days

    Conference = apps.get_model("conferences", "Conference")
    Participant = apps.get_model("conferences", "ConferenceParticipant")
    Document = apps.get_model("documents", "Document")
    Version = apps.get_model("documents", "DocumentVersion")
    Share = apps.get_model("documents", "DocumentShare")
    ContentType = apps.get_model("contenttypes", "ContentType")
    LocalPolicy = apps.get_model("timescales", "LocalPolicy")
    User = apps.get_model("accounts", "User")
    policy = LocalPolicy.objects.filter(pk=1).first()
    days = policy.reports_in_advance_working_days if policy else 2
    conference_type, _ = ContentType.objects.get_or_create(
        app_label="conferences", model="conference"
    )
    said_yes = set(
        Participant.objects.filter(kind="parent", had_reports_in_advance=True).values_list(
            "conference_id", flat=True
        )
    )
    candidates = Conference.objects.filter(reports_shared_on__isnull=False) | Conference.objects.filter(
        pk__in=said_yes
    )
    for conference in candidates.distinct().iterator():
        on = conference.reports_shared_on
        undated = on is None
        if undated:
            day = conference.held_on or (
                conference.scheduled_for.date() if conference.scheduled_for else None
            )
            if day is None:
                continue
            on = add_working_days(day, -days)
        author = conference.requested_by_id or User.objects.order_by("pk").values_list(
            "pk", flat=True
        ).first()
        if author is None:
            continue
        document = Document.objects.create(
            child_id=conference.child_id,
            event_type=conference_type,
            event_id=conference.pk,
            title="Conference reports (recorded before documents were kept"
            + ("; the date was not recorded)" if undated else ")"),
            document_type="sw_report",
            document_date=on,
            created_by_id=author,
        )
        Version.objects.create(
            document=document,
            number=1,
            original_name="(no file: recorded before documents were kept)",
            content_type="",
            size=0,
            sha256="",
            scan_status="not_scanned",
            uploaded_by_id=author,
        )
        parents = list(
            Participant.objects.filter(conference=conference, kind="parent")
            .exclude(had_reports_in_advance=False)
            .values_list("name", flat=True)
        )
        for name in parents or ["Parents"]:
            Share.objects.create(
                document=document,
                recipient=name,
                recipient_kind="parent",
                method="by_hand",
                shared_on=on,
                recorded_by_id=author,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("conferences", "0014_core_group_held_with"),
        ("documents", "0001_initial"),
        ("timescales", "0003_local_policy_reports_in_advance"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(forward, migrations.RunPython.noop),
        migrations.RemoveField(model_name="conference", name="reports_shared_on"),
        migrations.RemoveField(model_name="conferenceparticipant", name="had_reports_in_advance"),
    ]
