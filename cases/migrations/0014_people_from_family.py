"""Every child and family entry becomes a person of the person index, with its relationships and
households (cases.family_people.link_family, on this migration's models). Nothing is deleted:
the family entries stay, each pointing at its person and relationship."""

from django.db import migrations


def forwards(apps, schema_editor):
    from cases.family_people import Models, link_family

    link_family(Models.from_apps(apps))


def backwards(apps, schema_editor):
    FamilyMember = apps.get_model("cases", "FamilyMember")
    Child = apps.get_model("cases", "Child")
    FamilyMember.objects.update(person=None, link=None)
    Child.objects.update(person=None)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0013_people_links"),
        ("people", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
