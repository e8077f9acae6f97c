"""The statutory return commands tell the truth in their words and their exit status."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.reporting.casework import record_casework
from tests.reporting.test_census_import import EPISODE, census_file, child_xml


def test_forced_census_export_says_it_was_not_validated(world, tmp_path, monkeypatch):
    monkeypatch.setenv("CIN_VALIDATOR_PYTHON", "/nonexistent")
    record_casework(world)
    out, err = StringIO(), StringIO()
    path = tmp_path / "cin.xml"
    call_command(
        "export_cin_census", "--year", "2026", "--out", str(path), "--force", stdout=out, stderr=err
    )
    assert path.exists()
    text = out.getvalue()
    assert "NOT VALIDATED" in text
    assert "0 errors" not in text
    assert "not been checked against the DfE rules" in err.getvalue()


def test_census_export_without_the_validator_writes_nothing(world, tmp_path, monkeypatch):
    monkeypatch.setenv("CIN_VALIDATOR_PYTHON", "/nonexistent")
    path = tmp_path / "cin.xml"
    with pytest.raises(CommandError, match="could not be validated"):
        call_command("export_cin_census", "--year", "2026", "--out", str(path), stdout=StringIO())
    assert not path.exists()


def test_validated_census_export_gives_the_counts(world, tmp_path, cin_validator):
    record_casework(world)
    out = StringIO()
    path = tmp_path / "cin.xml"
    call_command("export_cin_census", "--year", "2026", "--out", str(path), stdout=out)
    assert path.exists()
    assert "validated against the DfE rules cin2025_26: 0 errors" in out.getvalue()


def test_import_that_refuses_a_child_exits_non_zero(db, tmp_path):
    path = tmp_path / "census.xml"
    path.write_bytes(
        census_file(child_xml("CMD1", EPISODE), child_xml("CMD2", EPISODE.replace("N1", "N99")))
    )
    out = StringIO()
    with pytest.raises(CommandError, match="1 child not loaded"):
        call_command("import_cin_census", str(path), stdout=out)
    # The report is still written before the command fails.
    assert "1 new" in out.getvalue() and "NOT LOADED child CMD2" in out.getvalue()


def test_import_of_a_file_with_no_children_exits_non_zero(db, tmp_path):
    path = tmp_path / "census.xml"
    path.write_bytes(census_file())
    with pytest.raises(CommandError, match="Nothing loaded"):
        call_command("import_cin_census", str(path), stdout=StringIO())


def test_import_of_a_file_that_is_not_a_census_exits_non_zero(db, tmp_path):
    path = tmp_path / "census.xml"
    path.write_bytes(b"<not-a-census/>")
    with pytest.raises(CommandError):
        call_command("import_cin_census", str(path), stdout=StringIO())


def test_loading_the_same_file_again_succeeds_and_changes_nothing(db, tmp_path):
    path = tmp_path / "census.xml"
    path.write_bytes(census_file(child_xml("CMD1", EPISODE)))
    call_command("import_cin_census", str(path), stdout=StringIO())
    out = StringIO()
    call_command("import_cin_census", str(path), stdout=out)
    assert "1 unchanged" in out.getvalue()
