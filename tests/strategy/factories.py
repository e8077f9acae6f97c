import datetime

import factory

from tests.cases.factories import ReferralFactory


def london(y, m, d, hh=10, mm=0):
    from zoneinfo import ZoneInfo

    return datetime.datetime(y, m, d, hh, mm, tzinfo=ZoneInfo("Europe/London"))


class StrategyDiscussionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "strategy.StrategyDiscussion"

    referral = factory.SubFactory(ReferralFactory)
    child = factory.LazyAttribute(lambda d: d.referral.child)
    held_at = factory.LazyAttribute(lambda d: d.referral.received_at + datetime.timedelta(hours=3))
    discussion_type = "meeting"
    reason = "Bruising reported by school; reasonable cause to suspect significant harm."
    chair = factory.SubFactory("tests.accounts.factories.UserFactory")
    s47_decision = "start"
    enquiry_type = "joint"
    referrer_invited = "invited"
    education_invited = "invited"


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "strategy.StrategyParticipant"

    discussion = factory.SubFactory(StrategyDiscussionFactory)
    agency = "social_care"
    name = factory.Faker("name")
    participation = "attended"


class Section47Factory(factory.django.DjangoModelFactory):
    class Meta:
        model = "strategy.Section47"

    strategy_discussion = factory.SubFactory(StrategyDiscussionFactory)
    child = factory.LazyAttribute(lambda s: s.strategy_discussion.child)
    referral = factory.LazyAttribute(lambda s: s.strategy_discussion.referral)
    start_date = factory.LazyAttribute(lambda s: s.strategy_discussion.held_date)


def full_participation(discussion, *, health="attended", police="attended"):
    ParticipantFactory(discussion=discussion, agency="social_care")
    if police:
        ParticipantFactory(discussion=discussion, agency="police", participation=police)
    if health:
        ParticipantFactory(
            discussion=discussion, agency="health", health_service="gp", participation=health
        )
