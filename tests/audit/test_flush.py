"""Transactional tests flush the database afterwards; the append-only log must not stop that."""

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.db import IntegrityError, transaction

from tests.cases.factories import ChildFactory


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_log_and_keeps_it_append_only():
    ChildFactory()
    assert LogEntry.objects.exists()
    call_command("flush", interactive=False, verbosity=0)
    assert not LogEntry.objects.exists()
    ChildFactory()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        LogEntry.objects.all().delete()
    assert LogEntry.objects.exists()
