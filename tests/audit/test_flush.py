"""Transactional tests flush the database afterwards; the append-only log must not stop that."""

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.db import IntegrityError, transaction

from tests.cases.factories import ChildFactory


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_log_and_keeps_it_append_only():
    ChildFactory()
    about_cases = LogEntry.objects.filter(content_type__app_label="cases")
    assert about_cases.exists()
    call_command("flush", interactive=False, verbosity=0)
    # Gone (what is there now is the roles the flush's post_migrate made again, audited).
    assert not about_cases.exists()
    ChildFactory()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        LogEntry.objects.all().delete()
    assert LogEntry.objects.exists()
