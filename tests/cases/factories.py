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
