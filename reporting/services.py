"""Preparing statutory returns for release: build, validate, and say what stops release."""

from dataclasses import dataclass

from django.db.models import QuerySet

from cases.models import Child

from .census_export import CensusReturn, census_export
from .validation import ValidationResult, census_validate


@dataclass
class CensusPackage:
    census: CensusReturn
    xml: bytes
    validation: ValidationResult

    @property
    def releasable(self) -> bool:
        return self.validation.passed


def census_prepare(*, year: int, children: QuerySet[Child] | None = None) -> CensusPackage:
    """The census return for `year` with the DfE rules run on it (the validation gate)."""
    census, xml = census_export(year=year, children=children)
    child_pks = {c.la_child_id: c.pk for c in census.children}
    validation = census_validate(xml, ruleset=census.year.ruleset, child_pks=child_pks)
    return CensusPackage(census=census, xml=xml, validation=validation)
