import csv
from collections.abc import Callable, Iterator
from datetime import datetime

from django.contrib import messages
from django.db.models import BooleanField, Case, Count, Q, QuerySet, Value, When
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from accounts.http import AuthenticatedRequest
from accounts.models import Team, User
from cases.access import Mask, children_for_user, in_reach, may_review_duplicates
from conferences.models import ConferenceStatus
from conferences.selectors import conferences_for_user
from conferences.views.diary import timeliness
from monitoring.models import days_overdue
from monitoring.rules import RULES_BY_CODE
from monitoring.selectors import pending_alerts_for_user
from people.models import PossibleSamePerson
from wirral_cp.paging import page_of
from wirral_cp.replica import reads_from_replica
from wirral_cp.replica import state as read_state
from wirral_cp.spreadsheets import safe_row

from .figures import FIGURES, POPULATIONS, SECTIONS
from .measures import Measures, rule_title, shown, team_columns
from .models import FigureTarget, Status
from .selectors import BadPeriod, period_from, scope_for

# How many of an IRO's next conferences the home page lists.
HOME_CONFERENCES = 10

ROW_COLUMNS = {
    "conference": ["Child", "LA child ID", "Type", "Target date", "Held", "Chair"],
    "plan": ["Child", "LA child ID", "Plan started", "Plan ended", "Latest category"],
    "strategy": ["Child", "LA child ID", "Held", "Type"],
    "core_group": ["Child", "LA child ID", "Core group date", "Plan started"],
    "visit": ["Child", "LA child ID", "Visit date", "Seen alone"],
    "section47": ["Child", "LA child ID", "Started", "Outcome", "Completed"],
    "referral": ["Child", "LA child ID", "Received", "Source", "Decision"],
    "alert": ["Child", "LA child ID", "Rule", "Due", "Working days overdue"],
    "missing": ["Child", "LA child ID", "Went missing", "Returned", "Interview offered"],
    "contribution": ["Child", "LA child ID", "Agency", "Asked of", "Due by", "Received"],
    "agency_check": ["Child", "LA child ID", "Agency", "Urgency", "Sent", "Due", "Answered"],
}
# Rows fetched at a time by a streamed CSV (a server-side cursor's batch).
CSV_CHUNK = 2000


@require_safe
def home(request: AuthenticatedRequest) -> HttpResponse:
    """A landing page that shows each role what it is there to do."""
    user = request.user
    children = children_for_user(user).select_related("allocated_worker", "allocated_team")
    context = {
        "my_children": children.filter(allocated_worker=user)[:50],
        "team_children": children.exclude(allocated_worker=user)[:50]
        if (user.is_social_worker or user.is_team_manager)
        else [],
        "child_count": children.count() if user.is_senior_manager else None,
    }
    if user.is_social_worker or user.is_team_manager or user.is_iro:
        context["pending_tasks"] = pending_alerts_for_user(user).count()
    if user.is_iro:
        # The conferences this IRO chairs next, first thing (their caseload page has the rest).
        today = timezone.localdate()
        chairing = list(
            conferences_for_user(user)
            .upcoming()
            .filter(chair=user)
            .order_by("scheduled_for", "target_date", "pk")[:HOME_CONFERENCES]
        )
        context["chairing"] = [(c, timeliness(c, today)) for c in chairing]
        context["no_mask"] = frozenset()  # restricted records not naming them are left out
    if user.is_business_support:
        context["to_schedule"] = (
            conferences_for_user(user).filter(status=ConferenceStatus.REQUESTED).count()
        )
    if may_review_duplicates(user):
        context["duplicates_open"] = PossibleSamePerson.objects.open().count()
    return render(request, "home.html", context)


def _listing(
    kind: str, qs, user, extra: tuple[str, ...] = ()
) -> tuple[QuerySet, QuerySet, Callable]:
    """The drill-down's records, through the one door: only children in this user's reach,
    and a restricted record counted but not named unless this user is named on it.

    Returns the records in reach (to count: no join to the child, which the names need but a
    count does not), the values to list (a query, in a fixed order, not yet run: a page slices
    it, the CSV streams it) and the function that turns one of its tuples into a row, masked if need
    be: name, LA child ID, child id (for the link; None when masked), then the kind's fields.
    `extra` names annotations of `qs` to add as last columns ("met" is shown Yes or No)."""
    child = [
        "child__first_name",
        "child__last_name",
        "child__la_child_id",
        "child_id",
        "child__is_restricted",
    ]
    if kind == "core_group":
        child = [f"plan__{c}" for c in child]
    fields = {
        "conference": ["conference_type", "target_date", "held_on", "chair__last_name"],
        "plan": ["start_date", "end_date", "latest_category"],
        "strategy": ["held_at", "discussion_type"],
        "core_group": ["meeting_date", "plan__start_date"],
        "visit": ["visit_date", "seen_alone"],
        "section47": ["start_date", "outcome", "completion_date"],
        "referral": ["received_at", "source", "decision"],
        # Working days overdue is worked out from the due date below, not stored.
        "alert": ["rule", "due_date", "due_date"],
        "missing": ["started_at", "ended_at", "return_interview_offered_at"],
        "contribution": ["agency", "professional_name", "due_date", "received_at"],
        "agency_check": ["agency", "urgency", "sent_at", "due_at", "responded_at"],
    }[kind] + list(extra)
    # The names this user is on: a handful, read once, never the whole authority's ids.
    mask = Mask(user)
    today = timezone.localdate()
    words = _words(qs.model, fields)
    qs = in_reach(qs, user, child="plan__child" if kind == "core_group" else "child")
    met = "met" in extra

    def row(values) -> list:
        first, last, la_id, child_id, restricted, *rest = values
        if kind == "alert":
            rest[0], rest[2] = rule_title(rest[0]), days_overdue(rest[0], rest[2], today)
        for i, say in words.items():
            rest[i] = say(rest[i])
        if met:
            rest[-1] = "Yes" if rest[-1] else "No"
        if mask.hides_values(child_id, restricted):
            return [Mask.LABEL, "", None, *rest]
        return [" ".join(filter(None, [first, last])) or "–", la_id or "", child_id, *rest]

    return qs, qs.order_by("pk").values_list(*child, *fields), row


def _words(model, fields: list[str]) -> dict[int, Callable]:
    """For each listed field that holds a code (its choices) or a yes/no, how to say it in
    words: a drill-down never shows a code raw."""
    from django.core.exceptions import FieldDoesNotExist
    from django.db.models import BooleanField as Boolean

    words: dict[int, Callable] = {}
    for i, name in enumerate(fields):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if field.choices:
            labels = {str(k): str(v) for k, v in field.flatchoices}
            words[i] = lambda v, labels=labels: labels.get(str(v), v) if v not in (None, "") else v
        elif isinstance(field, Boolean):
            words[i] = lambda v: None if v is None else ("Yes" if v else "No")
    return words


# A share's drill-down filter: all of its denominator, or the records met or not met.
MET_FILTER = {"yes": True, "no": False}
DASHBOARD_OF_SCOPE = {
    "authority": "dashboards:service",
    "team": "dashboards:team",
    "iro": "dashboards:iro",
}


class _Echo:
    """A file for `csv.writer` that hands each line back instead of keeping it."""

    def write(self, line: str) -> str:
        return line


def _csv_lines(columns: list[str], values: QuerySet, row: Callable) -> Iterator[str]:
    """The CSV, a line at a time: the rows are read from the database in chunks (a server-side
    cursor), each masked and made safe for a spreadsheet, so a 90,000-row file is never held
    in memory, here or in the database driver."""
    writer = csv.writer(_Echo())
    yield writer.writerow(safe_row(columns))
    for values_ in values.iterator(chunk_size=CSV_CHUNK):
        name, la_id, _child_id, *rest = row(values_)
        yield writer.writerow(safe_row([name, la_id, *rest]))


# A status's colour on a card and a chart; the card always says the status in words too.
STATUS_CLASS = {
    Status.MET: "text-bg-success",
    Status.NEAR: "text-bg-warning",
    Status.NOT_MET: "text-bg-danger",
    None: "text-bg-secondary",
}
STATUS_COLOUR = {Status.MET: "#1d5c2e", Status.NEAR: "#8a5a00", Status.NOT_MET: "#8a1c1c"}
NO_TARGET_COLOUR = "#0b4f8a"


def _judged(figure_key: str, value, targets: dict[str, FigureTarget]) -> dict:
    """A figure against its local target, if it has one: the target, the status in words and
    the colour that goes with it."""
    target = targets.get(figure_key)
    if target is None:
        return {"target": None, "status": None, "status_label": "", "status_class": ""}
    status = target.status(value)
    return {
        "target": int(target.target) if target.target == int(target.target) else target.target,
        "status": status,
        "status_label": status.label if status else "No figure yet",
        "status_class": STATUS_CLASS[status],
        "colour": STATUS_COLOUR.get(status, NO_TARGET_COLOUR) if status else NO_TARGET_COLOUR,
    }


def _sections(measures: Measures, targets: dict[str, FigureTarget]) -> list[dict]:
    """The dashboard's sections, each with the cards of the figures declared in it, each
    judged against its local target."""
    sections = []
    for section in SECTIONS:
        figures = [f for f in FIGURES.values() if f.card and f.card.section == section.key]
        cards = []
        for figure in sorted(figures, key=lambda f: f.card.position):
            note = ""
            if figure.card.note:
                n = measures.count(figure.population)
                note = f"{n} {figure.card.note}{'' if n == 1 else 's'}"
            value = measures.figure(figure.key)
            cards.append(
                {
                    "key": figure.key,
                    "label": figure.card.label,
                    "value": value,
                    "percent": figure.is_share,
                    "note": note,
                    **_judged(figure.key, value, targets),
                }
            )
        sections.append(
            {"key": section.key, "heading": section.heading, "extra": section.extra, "cards": cards}
        )
    return sections


def _shown(measures: Measures, targets: dict) -> dict:
    """What the page shows from the data: the kept figures and reports, and the cards."""
    return {**shown(measures), "sections": _sections(measures, targets)}


def _figures_as_of(measures: Measures) -> dict[str, str]:
    """`figures_as_of` for the links of figures taken from before the latest write."""
    return {"figures_as_of": measures.stale.isoformat()} if measures.stale else {}


def _figure_time(request: AuthenticatedRequest) -> datetime | None:
    """When the figure a drill-down was opened from was worked out, if it was from before the
    latest write (`figures_as_of`, set by the dashboard); None for anything else."""
    try:
        at = datetime.fromisoformat(request.GET.get("figures_as_of", ""))
    except ValueError:
        return None
    return at if timezone.is_aware(at) and at <= timezone.now() else None


def _dashboard(
    request: AuthenticatedRequest, title: str, *, default: str | None = None, by_team: bool = False
) -> HttpResponse:
    try:
        start, end, as_of = period_from(request.GET)
    except BadPeriod as error:
        messages.error(request, str(error))
        start, end, as_of = period_from({})
    scope = scope_for(request.user, request.GET, default=default)
    measures = Measures(scope, start, end, as_of, by_team=by_team)
    # Nothing written since these figures were last worked out: take them as they were; or,
    # written since but only a little while ago, take them labelled with their time and work
    # them out again once this response has gone.
    measures.restore(stale_ok=True)
    targets = {t.figure: t for t in FigureTarget.objects.all()}
    data = _shown(measures, targets)
    summary = data["summary"]
    base_query = {"from": start.isoformat(), "to": end.isoformat(), **scope.query()}
    # Figures from before the latest write: the drill-downs they link to say so.
    figure_links = {**base_query, **_figures_as_of(measures)}
    trend = data["trend"]
    icpc_late = summary["icpc_held"] - summary["icpc_in_timescale"]
    agencies = [
        "strategy_with_health",
        "strategy_health_information_only",
        "strategy_with_police",
        "icpc_with_police",
    ]
    charts = {
        # Colours carry meaning: in timescale is the colour of a met target, late of one not
        # met; a share's bar is coloured by its status against its target (or neutral).
        "icpc": {
            "labels": ["Within 15 working days", "Late"],
            "values": [summary["icpc_in_timescale"], icpc_late],
            "colours": [STATUS_COLOUR[Status.MET], STATUS_COLOUR[Status.NOT_MET]],
        },
        "trend": {
            "labels": [date_format(p["date"]) for p in trend],
            "values": [p["children"] for p in trend],
        },
        "agencies": {
            "labels": [
                "Health took part in strategy",
                "Health sent information only",
                "Police in strategy",
                "Police at ICPC",
            ],
            "values": [summary[f"{key}_pct"] for key in agencies],
            "colours": [
                _judged(key, summary[f"{key}_pct"], targets).get("colour", NO_TARGET_COLOUR)
                for key in agencies
            ],
        },
    }
    context = {
        **data,
        "title": title,
        "measures": measures,
        "scope": scope,
        "start": start,
        "end": end,
        "as_of": as_of,
        "query": urlencode(figure_links),
        "icpc_late": icpc_late,
        "charts": charts,
        "managed_teams": Team.objects.filter(pk__in=request.user.managed_team_ids)
        if request.user.is_team_manager
        else Team.objects.all()
        if request.user.is_senior_manager
        else Team.objects.none(),
        # Read from a replica that had not replayed everything: the figures are as of then.
        "read_state": read_state(),
        "team_columns": team_columns() if data["teams"] is not None else (),
    }
    for row in data["teams"] or ():
        if row["team"] is not None:
            row["query"] = urlencode(
                {"from": start, "to": end, "team": row["team"].pk, **_figures_as_of(measures)}
            )
    measures.keep()
    response = render(request, "dashboards/dashboard.html", context)
    measures.refresh_after(response, lambda fresh: _shown(fresh, targets))
    return response


@require_safe
@reads_from_replica
def team_dashboard(request: AuthenticatedRequest) -> HttpResponse:
    return _dashboard(
        request, "Team dashboard", default="team" if not request.user.is_senior_manager else None
    )


@require_safe
@reads_from_replica
def iro_dashboard(request: AuthenticatedRequest) -> HttpResponse:
    if not request.GET.get("iro") and not request.user.is_iro:
        raise Http404("No IRO dashboard for this user")
    return _dashboard(request, "IRO dashboard", default="iro")


@require_safe
@reads_from_replica
def service_dashboard(request: AuthenticatedRequest) -> HttpResponse:
    if not request.user.is_senior_manager:
        raise Http404("No service dashboard for this user")
    return _dashboard(request, "Service dashboard", default="authority", by_team=True)


@require_safe
@reads_from_replica
def metrics_json(request: AuthenticatedRequest) -> JsonResponse:
    try:
        start, end, as_of = period_from(request.GET)
    except BadPeriod as error:
        return JsonResponse({"error": str(error)}, status=400)
    scope = scope_for(request.user, request.GET)
    measures = Measures(scope, start, end, as_of)
    measures.restore(stale_ok=True)
    summary = measures.summary()
    measures.keep()
    response = JsonResponse(summary)
    if measures.stale:
        # Worked out before the latest change (and being worked out again): how long ago.
        response["Age"] = str(int((timezone.now() - measures.stale).total_seconds()))
        response["X-Figures-As-Of"] = measures.stale.isoformat()
    measures.refresh_after(response, Measures.summary)
    return response


def _alerts_narrowed(request: AuthenticatedRequest, qs, title: str):
    """Open alerts for one rule (`rule=CODE`) and/or one worker (`worker=ID`, or `none` for
    alerts on no one's list), as the dashboard's breakdowns link to them. Anything else: 404."""
    narrowed = {}
    code = request.GET.get("rule")
    if code:
        if code not in RULES_BY_CODE:
            raise Http404("No such rule")
        qs = qs.filter(rule=code)
        title = f"{title}: {rule_title(code)}"
        narrowed["rule"] = code
    worker = request.GET.get("worker")
    if worker:
        if worker == "none":
            qs = qs.filter(responsible_worker__isnull=True)
            title = f"{title}, no allocated worker"
        else:
            try:
                user = User.objects.get(pk=int(worker))
            except (ValueError, User.DoesNotExist) as error:
                raise Http404("No such worker") from error
            qs = qs.filter(responsible_worker=user)
            title = f"{title}, {user.get_full_name() or user.username}"
        narrowed["worker"] = worker
    return qs, title, narrowed


@require_safe
@reads_from_replica
def drill(request: AuthenticatedRequest, key: str) -> HttpResponse:
    """The records behind one figure; `?format=csv` downloads them. For a share, `?all=1`
    lists its whole denominator instead, each record met or not (counted in the share or
    not), so that the discussion or conference that missed can be found."""
    figure = FIGURES.get(key)
    if figure is None:
        raise Http404("No such measure")
    every = request.GET.get("all") == "1"
    if every and not figure.is_share:
        raise Http404("This figure is a count, not a share of a denominator")
    try:
        start, end, as_of = period_from(request.GET)
    except BadPeriod as error:
        raise Http404(str(error)) from error
    scope = scope_for(request.user, request.GET)
    measures = Measures(scope, start, end, as_of)
    kind, title, columns, extra = figure.kind, figure.title, ROW_COLUMNS[figure.kind], ()
    query = {"from": start.isoformat(), "to": end.isoformat(), **scope.query()}
    shown = request.GET.get("met") or ""
    if shown and (shown not in MET_FILTER or not every):
        raise Http404("Show all, met or not met")
    if every:
        narrowing = POPULATIONS[figure.population]
        if narrowing.of == figure.of and narrowing.where is not None:
            # Counted when the denominator's row meets the narrowing's condition: that
            # condition on each row, not a second reading of the whole denominator.
            where = narrowing.where
            met: Q = where(measures) if callable(where) else where
        else:
            met = Q(pk__in=measures.population(figure.population).values("pk"))
        qs = measures.population(figure.of).annotate(
            # True or false, never null (a row the condition cannot judge was not counted).
            met=Case(When(met, then=Value(True)), default=Value(False), output_field=BooleanField())
        )
        title, columns, extra = f"{title}: met and not met", [*columns, "Met"], ("met",)
    else:
        qs = measures.population(figure.listed)
    if key == "open_alerts":
        qs, title, narrowed = _alerts_narrowed(request, qs, title)
        query.update(narrowed)
    records, values, row = _listing(kind, qs, request.user, extra)
    if shown:
        values = values.filter(met=MET_FILTER[shown])
    url = reverse("dashboards:drill", args=[key])
    listing = {**query, "all": "1", **({"met": shown} if shown else {})} if every else query
    if request.GET.get("format") == "csv":
        response = StreamingHttpResponse(_csv_lines(columns, values, row), content_type="text/csv")
        name = f"{key}_all" if every else key
        response["Content-Disposition"] = f'attachment; filename="{name}_{start}_{end}.csv"'
        return response
    # One page of records; the count (and, for a denominator, how many met) in one query.
    totals = records.aggregate(
        count=Count("pk"), **({"met_count": Count("pk", filter=Q(met=True))} if every else {})
    )
    if shown:
        listed = totals["met_count"] if MET_FILTER[shown] else totals["count"] - totals["met_count"]
    else:
        listed = totals["count"]
    page = page_of(request, values, count=listed)
    return render(
        request,
        "dashboards/drill.html",
        {
            "title": title,
            "scope": scope,
            "start": start,
            "end": end,
            "columns": columns,
            "page": page,
            "rows": [row(values_) for values_ in page.object_list],
            "every": every,
            "total": totals["count"],
            "met": totals.get("met_count"),
            "not_met": totals["count"] - totals["met_count"] if every else None,
            "shown": shown,
            "query": query,
            "figure_time": _figure_time(request),
            # Back to the dashboard the figure is on, with the same period and scope.
            "back_url": f"{reverse(DASHBOARD_OF_SCOPE[scope.kind])}?{urlencode(query)}",
            # A share's drill-down links to its whole denominator, and back.
            "other_url": f"{url}?{urlencode(query if every else {**query, 'all': '1'})}"
            if figure.is_share
            else None,
            "csv_url": f"{url}?{urlencode(listing)}&format=csv",
        },
    )
