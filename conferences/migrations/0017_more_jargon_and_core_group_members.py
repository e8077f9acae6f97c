from django.db import migrations

# More professional words that families do not use (issue 23 item 10). The glossary already
# holds "disguised compliance", "threshold", "s47", "section 47", "ICPC", "RCPC", "core
# group", "strategy discussion" and "significant harm" (0002).
TERMS = [
    ("non-accidental", "not an accident: caused on purpose", ""),
    ("non-accidental injury", "an injury that was not an accident", ""),
    ("NAI", "an injury that was not an accident", ""),
    ("initial child protection conference", "the first child protection meeting", ""),
    ("review child protection conference", "the child protection review meeting", ""),
    ("strategy meeting", "a meeting between social care, police and health to decide what to do", ""),
    ("category of abuse", "the kind of harm we are worried about", ""),
    ("cumulative harm", "harm that builds up over time", ""),
    ("adverse childhood experiences", "hard things that happen to children and affect them", ""),
    ("ACEs", "hard things that happen to children and affect them", ""),
    ("mitigate", "make less likely or less serious", ""),
    ("section 17", "help for a child in need", ""),
    ("s17", "help for a child in need", ""),
    ("interim safety plan", "the plan to keep the child safe until the meeting", ""),
    ("looked after", "in care", ""),
    ("LAC", "children in care", ""),
    ("EHCP", "the education, health and care plan (the plan for extra help at school)", ""),
    ("risk assessment", "working out how likely harm is", ""),
    ("hard to reach", "we have found it hard to meet", "Say what was tried, and when."),
    ("lack of engagement", "not taking part", "Say what was offered and what happened."),
]

# The core group of each plan already made: those invited to the conferences that made or
# reviewed it (the sibling group's list for a group conference) and the allocated worker.
KINDS = ("agency", "parent", "family", "child")


def add_terms(apps, schema_editor):
    JargonTerm = apps.get_model("conferences", "JargonTerm")
    for term, plain, explanation in TERMS:
        JargonTerm.objects.get_or_create(
            term=term, defaults={"plain_alternative": plain, "explanation": explanation}
        )


def add_core_groups(apps, schema_editor):
    Plan = apps.get_model("conferences", "ChildProtectionPlan")
    Participant = apps.get_model("conferences", "ConferenceParticipant")
    Member = apps.get_model("conferences", "CoreGroupMember")
    for plan in Plan.objects.filter(end_date__isnull=True).select_related(
        "child__allocated_worker"
    ):
        if Member.objects.filter(plan=plan).exists():
            continue
        seen = set()
        shared = [c.group_lead_id or c.pk for c in plan.conferences.filter(status="held")]
        for p in Participant.objects.filter(conference_id__in=shared, kind__in=KINDS).order_by(
            "pk"
        ):
            key = " ".join(p.name.split()).casefold()
            if not key or key in seen:
                continue
            seen.add(key)
            Member.objects.create(plan=plan, name=p.name.strip(), role=p.role, agency=p.agency)
        worker = plan.child.allocated_worker
        if worker is not None:
            name = f"{worker.first_name} {worker.last_name}".strip() or worker.username
            if " ".join(name.split()).casefold() not in seen:
                Member.objects.create(
                    plan=plan, name=name, role="Social worker", agency="social_care", user=worker
                )


class Migration(migrations.Migration):
    dependencies = [("conferences", "0016_outcome_dissent_risk_core_group_contingency")]
    operations = [
        migrations.RunPython(add_terms, migrations.RunPython.noop),
        migrations.RunPython(add_core_groups, migrations.RunPython.noop),
    ]
