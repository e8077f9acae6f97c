import re

import django.db.models.deletion
from django.db import migrations, models

# Participants and core-group attendance were matched to the child's people by name. Each
# participant recorded as a parent or family member is linked to a person only where that is
# provable: exactly one of the child's people (related to the child in the person index, or on
# the child's family page) has that name, spaces and case aside. Each core group is linked to
# the people whose name, held by no other of the child's people, its attendance text names as
# whole words. Anything else stays unlinked (a worker chooses the person on the form).
FAMILY_KINDS = ("parent", "family")


def _same(name):
    return " ".join(name.split()).casefold()


def _names(apps, person_id, child_id):
    """{name: {person ids}} of the child's people."""
    Link = apps.get_model("people", "Relationship")
    FamilyMember = apps.get_model("cases", "FamilyMember")
    ids = set()
    if person_id:
        for a, b in Link.objects.filter(
            models.Q(person_id=person_id) | models.Q(relative_id=person_id)
        ).values_list("person_id", "relative_id"):
            ids |= {a, b}
        ids.discard(person_id)
    ids |= set(
        FamilyMember.objects.filter(child_id=child_id, person__isnull=False).values_list(
            "person_id", flat=True
        )
    )
    Person = apps.get_model("people", "Person")
    found = {}
    for pk, first, last in Person.objects.filter(pk__in=ids).values_list(
        "pk", "first_name", "last_name"
    ):
        found.setdefault(_same(f"{first} {last}"), set()).add(pk)
    found.pop("", None)
    return found


def link_people(apps, schema_editor):
    Conference = apps.get_model("conferences", "Conference")
    Participant = apps.get_model("conferences", "ConferenceParticipant")
    Meeting = apps.get_model("conferences", "CoreGroupMeeting")
    cache = {}

    def names(child):
        if child.pk not in cache:
            cache[child.pk] = _names(apps, child.person_id, child.pk)
        return cache[child.pk]

    for conference in Conference.objects.filter(
        participants__kind__in=FAMILY_KINDS, participants__person__isnull=True
    ).distinct().select_related("child"):
        # A sibling-group conference's invitations are on its lead, for every child in it.
        children = [conference.child] + [
            c.child for c in Conference.objects.filter(group_lead=conference).select_related("child")
        ]
        people = {}
        for child in children:
            for name, pks in names(child).items():
                people.setdefault(name, set()).update(pks)
        for participant in Participant.objects.filter(
            conference=conference, kind__in=FAMILY_KINDS, person__isnull=True
        ):
            pks = people.get(_same(participant.name), set())
            if len(pks) == 1:
                participant.person_id = next(iter(pks))
                participant.save(update_fields=["person"])
    for meeting in Meeting.objects.select_related("plan__child"):
        text = _same(meeting.attendees)
        found = [
            next(iter(pks))
            for name, pks in names(meeting.plan.child).items()
            if len(pks) == 1 and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text)
        ]
        if found:
            meeting.family_attendees.add(*found)




class Migration(migrations.Migration):

    dependencies = [
        ('conferences', '0018_dashboard_indexes'),
        ('people', '0003_known_to_us_and_merges'),
        ('cases', '0014_people_from_family'),
    ]

    operations = [
        migrations.AddField(
            model_name='conferenceparticipant',
            name='person',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='conference_participations', to='people.person'),
        ),
        migrations.AddField(
            model_name='coregroupmeeting',
            name='family_attendees',
            field=models.ManyToManyField(blank=True, related_name='core_groups_attended', to='people.person'),
        ),
        migrations.RunPython(link_people, migrations.RunPython.noop),
    ]
