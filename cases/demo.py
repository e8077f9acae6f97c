"""Synthetic demonstration data. Every name here is invented; no real person or case."""

from datetime import date

from django.conf import settings
from django.db import transaction

from accounts.models import Role, Team, User
from accounts.services import roles_ensure

from .codes.ethnicity import Ethnicity
from .codes.sex import Sex
from .models import Child

DEMO_PASSWORD = "demo-password-2026"

DEMO_TEAMS = ["North Assessment Team (demo)", "South Child Protection Team (demo)"]

# username, first, last, role, team index (None: no team), manages team index
DEMO_USERS = [
    ("sw.north", "Sam", "Northfield", Role.SOCIAL_WORKER, 0, None),
    ("sw.north2", "Priya", "Northgate", Role.SOCIAL_WORKER, 0, None),
    ("sw.south", "Tomasz", "Southbank", Role.SOCIAL_WORKER, 1, None),
    ("tm.north", "Morgan", "Managerley", Role.TEAM_MANAGER, 0, 0),
    ("tm.south", "Aisha", "Overseer", Role.TEAM_MANAGER, 1, 1),
    ("iro", "Chris", "Chairwell", Role.IRO, None, None),
    ("iro2", "Dana", "Reviewfield", Role.IRO, None, None),
    ("bsupport", "Bea", "Diarykeeper", Role.BUSINESS_SUPPORT, None, None),
    ("senior", "Hari", "Directorson", Role.SENIOR_MANAGER, None, None),
    ("admin", "Ada", "Adminton", Role.ADMINISTRATOR, None, None),
]

# LA child ID, first, last, sex, date of birth, ethnicity, team index, worker username
DEMO_CHILDREN = [
    ("DEMO0001", "Ruby", "Testwood", Sex.FEMALE, date(2017, 3, 14), Ethnicity.WBRI, 0, "sw.north"),
    ("DEMO0002", "Leo", "Testwood", Sex.MALE, date(2019, 9, 2), Ethnicity.WBRI, 0, "sw.north"),
    (
        "DEMO0003",
        "Amara",
        "Samplebrook",
        Sex.FEMALE,
        date(2012, 1, 30),
        Ethnicity.BAFR,
        0,
        "sw.north2",
    ),
    ("DEMO0004", "Kai", "Fictionley", Sex.MALE, date(2015, 6, 21), Ethnicity.MWBC, 1, "sw.south"),
    (
        "DEMO0005",
        "Zofia",
        "Placeholderova",
        Sex.FEMALE,
        date(2021, 11, 5),
        Ethnicity.WOTH,
        1,
        "sw.south",
    ),
    ("DEMO0006", "Noah", "Inventedale", Sex.MALE, date(2010, 4, 12), Ethnicity.AIND, 1, None),
]


@transaction.atomic
def seed_demo() -> dict[str, int]:
    """Create the demo teams, users and children. Safe to run again: nothing is duplicated."""
    groups = roles_ensure()
    teams = [Team.objects.get_or_create(name=name)[0] for name in DEMO_TEAMS]
    users: dict[str, User] = {}
    for username, first, last, role, team_ix, manages_ix in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.invalid",
                "team": teams[team_ix] if team_ix is not None else None,
                "is_staff": role == Role.ADMINISTRATOR,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        user.groups.add(groups[role])
        if manages_ix is not None:
            teams[manages_ix].managers.add(user)
        users[username] = user
    for la_id, first, last, sex, dob, ethnicity, team_ix, worker in DEMO_CHILDREN:
        Child.objects.get_or_create(
            la_child_id=la_id,
            defaults={
                "first_name": first,
                "last_name": last,
                "sex": sex,
                "date_of_birth": dob,
                "ethnicity": ethnicity,
                "disabilities": ["NONE"],
                "upn_unknown_reason": "UN1" if dob.year > 2020 else "",
                "allocated_team": teams[team_ix],
                "allocated_worker": users[worker] if worker else None,
                "address_line_1": "1 Example Street",
                "town": "Demotown",
                "postcode": "ZZ99 9ZZ",
            },
        )
    return {
        "teams": Team.objects.count(),
        "users": User.objects.count(),
        "children": Child.objects.count(),
    }


def demo_allowed() -> bool:
    return settings.DEMO_MODE or settings.DEBUG
