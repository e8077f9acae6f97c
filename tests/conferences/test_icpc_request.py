import pytest
from django.core.exceptions import ValidationError

from conferences import services
from conferences.models import Conference
from tests.accounts.factories import UserFactory
from tests.strategy.factories import Section47Factory


def test_icpc_request_creates_a_conference_with_the_target_date(db):
    enquiry = Section47Factory()
    enquiry.child_seen_date = enquiry.start_date
    enquiry.save()
    conference = services.icpc_request(enquiry=enquiry, user=UserFactory())
    assert conference.target_date == enquiry.icpc_target_date
    assert conference.status == "requested"
    assert conference.conference_type == "initial"
    enquiry.refresh_from_db()
    assert enquiry.outcome == "icpc"
    with pytest.raises(ValidationError, match="already been requested"):
        services.icpc_request(enquiry=enquiry, user=UserFactory())
    assert Conference.objects.count() == 1
