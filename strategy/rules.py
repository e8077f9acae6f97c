"""Rules that span a section 47 enquiry and the records around it, each stated once.

Plain functions over records in memory (saved or not) returning the messages a worker sees;
the services call them before saving and the census import calls them on the records it is
about to load (see cases/rules.py).
"""

from collections.abc import Iterable

from cases.models import Referral
from wirral_cp.dates import day

from .models import Section47, StrategyDiscussion

SECOND_OPEN_ENQUIRY = (
    "This child already has an open section 47 enquiry: record its outcome before starting another."
)


def enquiry_in_episode(
    enquiry: Section47, referral: Referral, discussion: StrategyDiscussion | None
) -> dict[str, str]:
    """An enquiry starts inside its episode, on the day of the strategy discussion that
    started it."""
    if not enquiry.start_date:
        return {}
    if enquiry.start_date < referral.referral_date:
        return {
            "start_date": "The section 47 enquiry cannot start before the referral was "
            f"received ({day(referral.referral_date)})."
        }
    if discussion is not None and enquiry.start_date != discussion.held_date:
        return {
            "start_date": "The enquiry starts on the date of the strategy discussion that "
            f"started it ({day(discussion.held_date)})."
        }
    return {}


def second_open_enquiry(enquiry: Section47, others: Iterable[Section47]) -> list[str]:
    """A child has one open section 47 enquiry at a time (`others`: the child's other
    enquiries). The database holds it too (one_open_section47_per_child), with these words."""
    if enquiry.completion_date is None and any(o.completion_date is None for o in others):
        return [SECOND_OPEN_ENQUIRY]
    return []
