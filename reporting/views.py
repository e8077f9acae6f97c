"""Statutory returns pages: for those who may produce returns (`cases.access`); anyone else
gets a 404. A return counts every child, restricted records included."""

from datetime import date

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.http import AuthenticatedRequest
from audit.services import record_access
from cases.access import children_for_returns, may_produce_returns
from wirral_cp.replica import reads_from_replica

from .annex_a import annex_a_build, annex_a_workbook
from .census import CensusYear, latest_census_year
from .services import census_prepare

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_returns_access(request: AuthenticatedRequest) -> None:
    if not may_produce_returns(request.user):
        raise Http404("No such page")


def _year(request: AuthenticatedRequest) -> int:
    latest = latest_census_year(timezone.localdate())
    try:
        year = int(request.GET.get("year", latest))
    except ValueError:
        return latest
    return year if 2010 <= year <= latest + 1 else latest


def _as_of(request: AuthenticatedRequest) -> date:
    try:
        return date.fromisoformat(request.GET.get("as_of", ""))
    except ValueError:
        return timezone.localdate()


@require_GET
@reads_from_replica
def census_page(request: AuthenticatedRequest) -> HttpResponse:
    """The census for a year: the counts to check, and every validation error or query with a
    link to the child's record to put it right."""
    _require_returns_access(request)
    year = _year(request)
    package = None
    if "year" in request.GET:
        package = census_prepare(year=year, children=children_for_returns(request.user))
    latest = latest_census_year(timezone.localdate())
    return render(
        request,
        "reporting/census.html",
        {
            "year": year,
            "years": list(range(latest + 1, latest - 5, -1)),
            "period": CensusYear(year),
            "package": package,
            "counts": [
                (name.replace("_", " ").capitalize(), value)
                for name, value in (package.census.counts().items() if package else [])
            ],
        },
    )


@require_GET
@reads_from_replica
def census_download(request: AuthenticatedRequest) -> HttpResponse:
    """The XML file, released only when the DfE rules found no error."""
    _require_returns_access(request)
    year = _year(request)
    package = census_prepare(year=year, children=children_for_returns(request.user))
    if not package.releasable:
        messages.error(
            request,
            "The census file has not been released: put right the errors listed below first."
            if package.validation.errors
            else package.validation.problem,
        )
        return redirect(f"{reverse('reporting:census')}?year={year}")
    record_access(request=request, obj=request.user, what=f"CIN census export {year}")
    response = HttpResponse(package.xml, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="cin_census_{year}.xml"'
    return response


@require_GET
@reads_from_replica
def annex_a_page(request: AuthenticatedRequest) -> HttpResponse:
    _require_returns_access(request)
    as_of = _as_of(request)
    lists = annex_a_build(as_of=as_of, children=children_for_returns(request.user))
    return render(request, "reporting/annex_a.html", {"as_of": as_of, "lists": lists})


@require_GET
@reads_from_replica
def annex_a_download(request: AuthenticatedRequest) -> HttpResponse:
    _require_returns_access(request)
    as_of = _as_of(request)
    lists = annex_a_build(as_of=as_of, children=children_for_returns(request.user))
    record_access(request=request, obj=request.user, what=f"Annex A export as of {as_of}")
    response = HttpResponse(annex_a_workbook(lists), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="annex_a_{as_of:%Y-%m-%d}.xlsx"'
    return response
