import factory
from django.contrib.auth.models import Group

from accounts.models import Role, Team, User

PASSWORD = "correct-horse-battery-staple"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if extracted:
            for role in extracted:
                self.groups.add(Group.objects.get_or_create(name=Role(role).value)[0])
        self.save()


def make_user(
    role: str, *, team: Team | None = None, manages: list[Team] | None = None, **kwargs
) -> User:
    user = UserFactory(team=team, roles=[role], **kwargs)
    for managed in manages or []:
        managed.managers.add(user)
    return user


def enrolment_code_for(user, *, issued_by=None) -> str:
    """A fresh enrolment code for `user`, as an administrator would read it out to them."""
    from accounts.otp import enrolment_code_issue

    return enrolment_code_issue(user=user, issued_by=issued_by)[1]
