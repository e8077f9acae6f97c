from django.db import migrations

# Starting glossary: professional terms that families told us they did not understand, with
# everyday alternatives. Administrators extend it in the admin site.
TERMS = [
    ("disguised compliance", "seeming to go along with the plan without really changing things",
     "Say what has and has not changed, with examples."),
    ("s47", "the child protection enquiry (checking whether a child is being harmed)", ""),
    ("section 47", "the child protection enquiry (checking whether a child is being harmed)", ""),
    ("core group", "the group of family members and workers who meet to make the plan happen", ""),
    ("threshold", "the level of worry that means we must act", ""),
    ("safeguarding", "keeping children safe", ""),
    ("significant harm", "serious harm to the child's health or development", ""),
    ("CAMHS", "the children's mental health service", ""),
    ("MASH", "the team that first looks at worries about children", ""),
    ("ICPC", "the first child protection meeting", ""),
    ("RCPC", "the child protection review meeting", ""),
    ("IRO", "the independent person who chairs the meeting", ""),
    ("multi-agency", "workers from different services working together", ""),
    ("strategy discussion", "a meeting between social care, police and health to decide what to do", ""),
    ("contingency plan", "what will happen if the plan is not working", ""),
    ("statutory", "required by law", ""),
    ("escalate", "ask a more senior person to decide", ""),
    ("engage", "take part in / work with", ""),
    ("non-engagement", "not taking part", ""),
    ("chronology", "a list of important events in date order", ""),
    ("ABE interview", "a video-recorded interview with the police", ""),
    ("toxic trio", "domestic abuse, mental ill-health and drug or alcohol problems together", ""),
    ("public law outline", "the formal step before going to court", ""),
    ("PLO", "the formal step before going to court", ""),
    ("step down", "move to less intensive support", ""),
    ("step-down", "move to less intensive support", ""),
    ("voice of the child", "what the child tells us they think and feel", ""),
    ("presenting concerns", "what people are worried about", ""),
    ("protective factors", "the things that help keep the child safe", ""),
    ("risk factors", "the things that make harm more likely", ""),
    ("CIN", "child in need", ""),
    ("CP plan", "child protection plan", ""),
    ("LADO", "the officer who looks at concerns about adults who work with children", ""),
    ("capacity to change", "whether the parents are able to make the changes needed", ""),
    ("parenting capacity", "how well the parents can look after the child", ""),
]


def add_terms(apps, schema_editor):
    JargonTerm = apps.get_model("conferences", "JargonTerm")
    for term, plain, explanation in TERMS:
        JargonTerm.objects.get_or_create(
            term=term, defaults={"plain_alternative": plain, "explanation": explanation}
        )


class Migration(migrations.Migration):
    dependencies = [("conferences", "0001_initial")]
    operations = [migrations.RunPython(add_terms, migrations.RunPython.noop)]
