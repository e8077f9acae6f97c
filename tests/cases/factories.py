import datetime

import factory

from cases.models import Child


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    la_child_id = factory.Sequence(lambda n: f"TEST{n:06d}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = factory.Faker(
        "date_between", start_date=datetime.date(2008, 1, 1), end_date=datetime.date(2024, 1, 1)
    )
    sex = "F"
    ethnicity = "WBRI"
    disabilities = factory.LazyFunction(lambda: ["NONE"])


class FamilyMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cases.FamilyMember"

    child = factory.SubFactory(ChildFactory)
    first_name = factory.Faker("first_name")
    last_name = factory.LazyAttribute(lambda m: m.child.last_name)
    sex = "F"
    relationship = "mother"
    lives_with_child = True
    parental_responsibility = True


class ProfessionalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cases.Professional"

    child = factory.SubFactory(ChildFactory)
    name = factory.Faker("name")
    agency = "health"
    role = "Health visitor"


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cases.Referral"

    child = factory.SubFactory(ChildFactory)
    received_at = factory.LazyFunction(
        lambda: datetime.datetime(2026, 10, 1, 10, 30, tzinfo=datetime.UTC)
    )
    source = "2A"
    reason = "School reports bruising to the child's arm (synthetic test data)."
    primary_need = "N1"


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cases.Assessment"

    referral = factory.SubFactory(ReferralFactory)
    child = factory.LazyAttribute(lambda a: a.referral.child)
    start_date = factory.LazyAttribute(lambda a: a.referral.referral_date)


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cases.Visit"

    child = factory.SubFactory(ChildFactory)
    visit_date = datetime.date(2026, 11, 2)
    visit_type = "statutory_cp"
    child_seen = True
    seen_alone = True
    childs_words = "I like my new bedroom."


class CaseNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cases.CaseNote"

    child = factory.SubFactory(ChildFactory)
    note_type = "case_note"
    event_date = datetime.date(2026, 11, 3)
    subject = factory.Sequence(lambda n: f"Note {n}")
    text = "Synthetic case note text."
    author = factory.SubFactory("tests.accounts.factories.UserFactory")


class ManagementOversightFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cases.ManagementOversight"

    child = factory.SubFactory(ChildFactory)
    manager = factory.SubFactory("tests.accounts.factories.UserFactory")
    oversight_date = datetime.date(2026, 11, 4)
    reflection = "Progress is slow; the worker has seen the child alone twice."
    direction = "Complete the assessment by 20 November."
    next_review_date = datetime.date(2026, 12, 2)


class ServiceReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cases.ServiceReferral"

    child = factory.SubFactory(ChildFactory)
    service = "camhs"
    date_referred = datetime.date(2026, 9, 1)


class CINPlanFactory(factory.django.DjangoModelFactory):
    """A child in need plan, saved without validation: build valid ones through the service."""

    class Meta:
        model = "cases.CINPlan"

    referral = factory.SubFactory(ReferralFactory)
    child = factory.LazyAttribute(lambda p: p.referral.child)
    start_date = datetime.date(2026, 10, 5)


class MissingEpisodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cases.MissingEpisode"

    child = factory.SubFactory(ChildFactory)
    started_at = datetime.datetime(2026, 10, 9, 21, 0, tzinfo=datetime.UTC)
    ended_at = datetime.datetime(2026, 10, 10, 8, 30, tzinfo=datetime.UTC)
    reported_to_police = True
