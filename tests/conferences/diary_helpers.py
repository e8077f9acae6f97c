"""Helpers shared by the diary, chairing, feedback and IRO view tests."""

import datetime

from django.utils import timezone

from conferences import services
from conferences.models import Conference
from tests.cases.factories import ReferralFactory
from tests.conferences.factories import ConferenceFactory
from tests.strategy.factories import Section47Factory, StrategyDiscussionFactory, london

# Who may see a conference of world.child chaired by world.iro.
READERS = {
    "social_worker",
    "same_team_worker",
    "team_manager",
    "iro",
    "business_support",
    "senior_manager",
}


def today() -> datetime.date:
    return timezone.localdate()


def days_ago(n: int) -> datetime.date:
    """The nth working day before today: conferences are not held at weekends (census 8875)."""
    from timescales.calendar import add_working_days

    return add_working_days(today(), -n)


def held_day() -> datetime.date:
    """The day a conference recorded now was held: today, or the last working day when the
    suite runs at a weekend or on a bank holiday (an initial conference is held on a working
    day, and none is recorded before it happens)."""
    from timescales.calendar import is_working_day

    day = today()
    while not is_working_day(day):
        day -= datetime.timedelta(days=1)
    return day


def expected(persona: str, allowed, ok: int = 200) -> int:
    if persona == "anonymous":
        return 302
    return ok if persona in allowed else 404


def icpc_for(child, *, strategy_on: datetime.date, **fields) -> Conference:
    """An ICPC requested from a section 47 enquiry whose strategy discussion was on
    `strategy_on` (so its target date is 15 working days later)."""
    referral = ReferralFactory(
        child=child, received_at=london(strategy_on.year, strategy_on.month, strategy_on.day, 9)
    )
    discussion = StrategyDiscussionFactory(
        referral=referral,
        held_at=london(strategy_on.year, strategy_on.month, strategy_on.day, 11),
    )
    enquiry = Section47Factory(strategy_discussion=discussion, **fields.pop("section47", {}))
    return ConferenceFactory(section47=enquiry, **fields)


def book(conference: Conference, *, chair, when: datetime.datetime | None = None, **extra):
    """Schedule the conference through the service, as business support would."""
    if when is None:
        target = conference.target_date
        when = london(target.year, target.month, target.day, 10)
    conference.scheduled_for = when
    conference.venue = "Room 2, Civic Centre"
    conference.chair = chair
    for key, value in extra.items():
        setattr(conference, key, value)
    return services.conference_schedule(
        conference=conference, user=chair, expected_version=conference.version
    )


def schedule_post(conference, chair, when: datetime.date, **extra):
    data = {
        "scheduled_for": f"{when:%Y-%m-%d}T10:00",
        "venue": "Room 4, Civic Centre",
        "chair": chair.pk,
        "version": conference.version,
    }
    data.update(extra)
    return data


def participant_post(rows, prefix="participants"):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = value
    return data
