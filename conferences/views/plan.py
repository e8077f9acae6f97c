"""The child's conferences and child protection plan: outcomes, actions, versions, the
family-friendly plan (page, print and PDF) and core groups.

Anyone who may see the child may read these pages. Writers (`plan_is_writable_by`: the
allocated worker's team and managers, and the IRO chairing the plan's conferences) change the
plan, always through the services, so every change is validated, audited and versioned. An
ended plan is a closed record: it is read, not changed.
"""

from dataclasses import dataclass, field
from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import AuthenticatedRequest
from cases.access import child_is_writable_by, get_child_for_user
from cases.models import Child, previous_plans_count
from cases.selectors import DueItem, due_for_child
from cases.views.common import add_service_errors, child_form_page
from timescales import rules as timescales
from timescales.models import LocalPolicy
from wirral_cp.concurrency import StaleEditError

from ..forms.plan import (
    ActionProgressForm,
    CoreGroupForm,
    FamilyWordsForm,
    PlanActionForm,
    PlanEditorForm,
    PlanOutcomeForm,
    action_formset,
    outcome_formset,
    text_digest,
)
from ..models import (
    ActionProgress,
    ChildProtectionPlan,
    Conference,
    ConferenceStatus,
    CoreGroupMeeting,
    JargonTerm,
    PlanAction,
    PlanOutcome,
)
from ..plain_language import check_text, reading_age
from ..selectors import (
    family_people,
    get_plan_of_child,
    joint_core_group_plans,
    plan_is_writable_by,
)
from ..services import (
    OutcomeChange,
    core_group_record,
    plan_action_save,
    plan_content_digest,
    plan_family_words_save,
    plan_outcome_save,
    plan_outcomes_save,
)

PLAN_ENDED = "This plan has ended: it is kept as it was and can no longer be changed."

# --- What is due, worked out from the plan's prefetched conferences and core groups ------------


@dataclass
class Due:
    """A date something is due by, the rule behind it, and whether it has passed."""

    date: date
    rule: str
    today: date

    @property
    def overdue(self) -> bool:
        return self.today > self.date

    @property
    def days_late(self) -> int:
        return (self.today - self.date).days

    @property
    def words(self) -> str:
        when = date_format(self.date, "j M Y")
        if not self.overdue:
            return f"Due by {when}"
        days = self.days_late
        return f"Overdue: it was due by {when}, {days} day{'s' if days != 1 else ''} ago"


@dataclass
class PlanSummary:
    plan: ChildProtectionPlan
    today: date
    previous_plans: int
    held_conferences: list[Conference]
    upcoming_conferences: list[Conference]
    core_groups: list[CoreGroupMeeting]
    outcomes: list[PlanOutcome]
    next_review: Due | None = None
    next_core_group: Due | None = None
    next_visit: Due | None = None
    visit_working_days: int = 0
    overdue_actions: list[PlanAction] = field(default_factory=list)

    @property
    def actions(self) -> list[PlanAction]:
        return [a for o in self.outcomes for a in o.actions.all()]

    @property
    def every_action_owned_and_timed(self) -> bool:
        actions = self.actions
        return bool(actions) and all(a.owner.strip() and a.timescale for a in actions)

    @property
    def latest_conference(self) -> Conference | None:
        return self.held_conferences[0] if self.held_conferences else None

    @property
    def last_core_group(self) -> CoreGroupMeeting | None:
        return self.core_groups[0] if self.core_groups else None

    @property
    def next_review_conference(self) -> Conference | None:
        """The review conference already arranged, if any (the earliest upcoming one)."""
        scheduled = [c for c in self.upcoming_conferences if c.scheduled_for]
        return min(scheduled, key=lambda c: c.scheduled_for) if scheduled else None

    @property
    def planned_core_group(self) -> date | None:
        """The date the last core group set for the next one, if it is still ahead."""
        last = self.last_core_group
        if last and last.next_meeting_date and last.next_meeting_date >= self.today:
            return last.next_meeting_date
        return None


def plans_queryset(child: Child):
    """The child's plans with everything the plan pages show, in a fixed number of queries."""
    return child.protection_plans.prefetch_related(
        Prefetch(
            "conferences",
            queryset=Conference.objects.order_by("-held_on", "-scheduled_for", "-pk"),
        ),
        Prefetch("core_groups", queryset=CoreGroupMeeting.objects.order_by("-meeting_date", "-pk")),
        Prefetch(
            "outcomes",
            queryset=PlanOutcome.objects.order_by("order", "pk").prefetch_related(
                Prefetch("actions", queryset=PlanAction.objects.order_by("timescale", "pk"))
            ),
        ),
    )


def summarise(
    plan: ChildProtectionPlan, *, previous_plans: int, due: list[DueItem], today: date
) -> PlanSummary:
    """The plan as its pages show it. What is due next is read from `due` (the timescales the
    rules stored for the child), never worked out here."""
    conferences = list(plan.conferences.all())
    summary = PlanSummary(
        plan=plan,
        today=today,
        previous_plans=previous_plans,
        held_conferences=[c for c in conferences if c.status == ConferenceStatus.HELD],
        upcoming_conferences=[
            c
            for c in conferences
            if c.status in (ConferenceStatus.REQUESTED, ConferenceStatus.SCHEDULED)
        ],
        core_groups=list(plan.core_groups.all()),
        outcomes=list(plan.outcomes.all()),
    )
    for action in summary.actions:
        action.overdue = action.progress != ActionProgress.DONE and action.timescale < today
        if action.overdue:
            summary.overdue_actions.append(action)
    if plan.is_open:
        mine = {d.code: d for d in due if d.subject == f"plan:{plan.pk}"}
        summary.next_review = _stored_due(mine, REVIEW_RULES, today)
        summary.next_core_group = _stored_due(mine, CORE_GROUP_RULES, today)
        summary.next_visit = _stored_due(mine, VISIT_RULES, today)
    summary.visit_working_days = (
        plan.visit_working_days or LocalPolicy.current().statutory_visit_working_days
    )
    return summary


# The rules that store a plan's next review and next core group (monitoring/rules.py).
REVIEW_RULES = ("FIRST_REVIEW", "LATER_REVIEW")
CORE_GROUP_RULES = ("FIRST_CORE_GROUP", "CORE_GROUP_INTERVAL")
VISIT_RULES = ("STATUTORY_VISIT",)


def _stored_due(items: dict[str, DueItem], codes: tuple[str, ...], today: date) -> Due | None:
    for code in codes:
        if code in items:
            return Due(items[code].date, items[code].sentence, today)
    return None


def summaries_for(child: Child, plans=None) -> list[PlanSummary]:
    """Summaries of the child's plans, the current one first."""
    plans = list(plans if plans is not None else plans_queryset(child))
    plans.sort(key=lambda p: (p.end_date is not None, -p.start_date.toordinal(), -p.pk))
    due = due_for_child(child)
    today = timezone.localdate()
    elsewhere = list(child.previous_plans_elsewhere.values_list("start_date", flat=True))
    starts = [p.start_date for p in plans]
    return [
        summarise(
            plan,
            previous_plans=previous_plans_count(
                start=plan.start_date,
                recorded=plan.number_of_previous_plans,
                here=starts,
                elsewhere=elsewhere,
            ),
            due=due,
            today=today,
        )
        for plan in plans
    ]


def plan_summary(child: Child, plan_id: int, user) -> PlanSummary:
    """One plan of the child (404 if not theirs) with its summary; the count of earlier plans
    is one small query."""
    plan = get_plan_of_child(child, plan_id)
    plan = plans_queryset(child).get(pk=plan.pk)
    previous = previous_plans_count(
        start=plan.start_date,
        recorded=plan.number_of_previous_plans,
        here=child.protection_plans.values_list("start_date", flat=True),
        elsewhere=child.previous_plans_elsewhere.values_list("start_date", flat=True),
    )
    return summarise(
        plan, previous_plans=previous, due=due_for_child(child), today=timezone.localdate()
    )


def _writable_plan(
    request: AuthenticatedRequest, pk: int, plan_id: int
) -> tuple[Child, ChildProtectionPlan]:
    """The child and plan if this user may change the plan; else 404."""
    child = get_child_for_user(request.user, pk)
    plan = get_plan_of_child(child, plan_id)
    if not plan_is_writable_by(request.user, plan):
        raise Http404("No such plan")
    return child, plan


def _plan_url(child: Child, plan) -> str:
    return reverse("conferences:plan-detail", args=[child.pk, plan.pk])


# --- The child's conferences and plans ----------------------------------------------------------


@require_GET
def child_plan(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk)
    # A held review imported without a known target sorts by the day it was held.
    when = Coalesce("target_date", "held_on")
    conferences = list(child.conferences.order_by(when.desc(nulls_last=True), "-pk"))
    summaries = summaries_for(child)
    current = summaries[0] if summaries and summaries[0].plan.is_open else None
    return render(
        request,
        "conferences/child_conferences.html",
        {
            "child": child,
            "active_tab": "plan",
            "conferences": conferences,
            "summaries": summaries,
            "current": current,
            "can_edit_current": current is not None
            and plan_is_writable_by(request.user, current.plan),
            "can_record_moves": child_is_writable_by(request.user, child),
        },
    )


@require_GET
def plan_detail(request: AuthenticatedRequest, pk: int, plan_id: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk)
    summary = plan_summary(child, plan_id, request.user)
    return render(
        request,
        "conferences/plan_detail.html",
        {
            "child": child,
            "active_tab": "plan",
            "s": summary,
            "plan": summary.plan,
            "can_edit": summary.plan.is_open and plan_is_writable_by(request.user, summary.plan),
            "can_end": summary.plan.is_open and child_is_writable_by(request.user, child),
            "pending_move": summary.plan.transfers_out.filter(
                receiving_conference_held=False
            ).first(),
        },
    )


# --- Outcomes and actions -----------------------------------------------------------------------


def _refuse_if_ended(request: AuthenticatedRequest, child: Child, plan) -> HttpResponse | None:
    if plan.is_open:
        return None
    messages.error(request, PLAN_ENDED)
    return redirect(_plan_url(child, plan))


@require_http_methods(["GET", "POST"])
def outcome_add(request: AuthenticatedRequest, pk: int, plan_id: int) -> HttpResponse:
    child, plan = _writable_plan(request, pk, plan_id)
    if refused := _refuse_if_ended(request, child, plan):
        return refused
    position = plan.outcomes.count()
    form = PlanOutcomeForm(
        request.POST or None, instance=PlanOutcome(plan=plan), initial={"order": position}
    )
    return child_form_page(
        request,
        child=child,
        form=form,
        save=lambda f: plan_outcome_save(outcome=f.save(commit=False), user=request.user),
        title="Add an outcome: what needs to change",
        success_url=_plan_url(child, plan),
        success_message="The outcome was added and the plan saved as a new version.",
        extra_context={"active_tab": "plan"},
    )


@require_http_methods(["GET", "POST"])
def outcome_edit(
    request: AuthenticatedRequest, pk: int, plan_id: int, outcome_id: int
) -> HttpResponse:
    child, plan = _writable_plan(request, pk, plan_id)
    outcome = get_object_or_404(plan.outcomes, pk=outcome_id)
    if refused := _refuse_if_ended(request, child, plan):
        return refused
    form = PlanOutcomeForm(request.POST or None, instance=outcome)

    def save(f: PlanOutcomeForm) -> None:
        with transaction.atomic():
            current = PlanOutcome.objects.select_for_update().get(pk=outcome.pk)
            if text_digest(current.what_needs_to_change) != f.cleaned_data["original"]:
                raise StaleEditError()
            plan_outcome_save(outcome=f.save(commit=False), user=request.user)

    return child_form_page(
        request,
        child=child,
        form=form,
        save=save,
        title="Change an outcome",
        success_url=_plan_url(child, plan),
        success_message="The outcome was saved and the plan saved as a new version.",
        extra_context={"active_tab": "plan"},
    )


@require_http_methods(["GET", "POST"])
def action_add(
    request: AuthenticatedRequest, pk: int, plan_id: int, outcome_id: int
) -> HttpResponse:
    child, plan = _writable_plan(request, pk, plan_id)
    outcome = get_object_or_404(plan.outcomes, pk=outcome_id)
    if refused := _refuse_if_ended(request, child, plan):
        return refused
    form = PlanActionForm(
        request.POST or None,
        instance=PlanAction(outcome=outcome),
        members=plan.core_group_members.all(),
    )
    return child_form_page(
        request,
        child=child,
        form=form,
        save=lambda f: plan_action_save(
            action=f.save(commit=False), user=request.user, reason="Action added"
        ),
        title="Add an action",
        success_url=_plan_url(child, plan),
        success_message="The action was added and the plan saved as a new version.",
        template="conferences/plan_action_form.html",
        extra_context={"active_tab": "plan", "outcome": outcome},
    )


@require_http_methods(["GET", "POST"])
def action_edit(
    request: AuthenticatedRequest, pk: int, plan_id: int, action_id: int
) -> HttpResponse:
    child, plan = _writable_plan(request, pk, plan_id)
    action = get_object_or_404(
        PlanAction.objects.select_related("outcome").filter(outcome__plan=plan), pk=action_id
    )
    if refused := _refuse_if_ended(request, child, plan):
        return refused
    form = PlanActionForm(
        request.POST or None, instance=action, members=plan.core_group_members.all()
    )
    return child_form_page(
        request,
        child=child,
        form=form,
        save=lambda f: plan_action_save(
            action=f.save(commit=False),
            user=request.user,
            expected_version=f.expected_version,
            reason="Action changed",
        ),
        title="Change an action, or record its progress",
        success_url=_plan_url(child, plan),
        success_message="The action was saved and the plan saved as a new version.",
        template="conferences/plan_action_form.html",
        extra_context={"active_tab": "plan", "outcome": action.outcome},
    )


# --- Outcomes and actions on one page ----------------------------------------------------------

# Blank rows the page offers (no script needed to add one): two outcomes of two actions for a
# plan with none yet, else one more outcome of two actions, and one more action per outcome.
NEW_PLAN_OUTCOMES = 2
NEW_OUTCOME_ACTIONS = 2


def _editor_formsets(plan: ChildProtectionPlan, data) -> tuple:
    outcomes_qs = plan.outcomes.order_by("order", "pk").prefetch_related("actions")
    has_outcomes = outcomes_qs.exists()
    outcomes = outcome_formset(1 if has_outcomes else NEW_PLAN_OUTCOMES)(
        data, queryset=outcomes_qs, prefix="outcomes"
    )
    members = plan.core_group_members.all()
    for n, form in enumerate(outcomes.forms, start=1):
        extra = 1 if form.instance.pk else NEW_OUTCOME_ACTIONS
        actions = action_formset(extra)(
            data,
            instance=form.instance if form.instance.pk else PlanOutcome(plan=plan),
            queryset=PlanAction.objects.order_by("timescale", "pk"),
            prefix=f"{form.prefix}-actions",
            members=members,
        )
        actions.error_row_label = f"Outcome {n}, action"
        form.number = n
        form.actions = actions
    return outcomes, [f.actions for f in outcomes.forms]


def _editor_changes(outcomes) -> list[OutcomeChange] | None:
    """What the page asks for, outcome by outcome; None (with errors on the rows) when an
    empty outcome has actions."""
    changes, ok = [], True
    for form in outcomes.forms:
        text = (form.cleaned_data.get("what_needs_to_change") or "").strip()
        removing = bool(form.cleaned_data.get("DELETE"))
        kept = [
            a for a in form.actions.forms if a.has_changed() and not a.cleaned_data.get("DELETE")
        ]
        if not form.instance.pk and not text:
            if kept and not removing:
                form.add_error(
                    "what_needs_to_change",
                    "Say what needs to change: this outcome has actions.",
                )
                ok = False
            continue  # an empty new outcome is left out
        actions = []
        for a in form.actions.forms:
            remove = bool(a.cleaned_data.get("DELETE"))
            if not remove and not a.has_changed():
                continue  # an empty new row, or an action left as it was
            if remove and not a.instance.pk:
                continue
            action = a.instance
            if action.pk:
                action.version = a.cleaned_data.get("version") or action.version
            actions.append((action, remove))
        changes.append(OutcomeChange(outcome=form.instance, remove=removing, actions=actions))
    return changes if ok else None


@require_http_methods(["GET", "POST"])
def plan_edit(request: AuthenticatedRequest, pk: int, plan_id: int) -> HttpResponse:
    """The plan's outcomes, each with its actions, and the contingency plan, on one page:
    blank rows to add, "Remove" to take out, saved all at once (services.plan_outcomes_save)."""
    child, plan = _writable_plan(request, pk, plan_id)
    if refused := _refuse_if_ended(request, child, plan):
        return refused
    data = request.POST if request.method == "POST" else None
    form = PlanEditorForm(
        data,
        initial={"contingency_plan": plan.contingency_plan, "digest": plan_content_digest(plan)},
    )
    outcomes, action_formsets = _editor_formsets(plan, data)
    if request.method == "POST":
        valid = form.is_valid()
        valid = outcomes.is_valid() and valid
        valid = all([fs.is_valid() for fs in action_formsets]) and valid
        changes = _editor_changes(outcomes) if valid else None
        if changes is not None:
            try:
                plan_outcomes_save(
                    plan=plan,
                    contingency_plan=form.cleaned_data["contingency_plan"].strip(),
                    changes=changes,
                    expected_digest=form.cleaned_data["digest"],
                    user=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    "The outcomes and actions were saved and the plan saved as a new version.",
                )
                if request.POST.get("then") == "more":
                    return redirect("conferences:plan-edit", child.pk, plan.pk)
                return redirect(_plan_url(child, plan))
    return render(
        request,
        "conferences/plan_edit.html",
        {
            "child": child,
            "active_tab": "plan",
            "plan": plan,
            "form": form,
            "outcomes": outcomes,
            "action_formsets": action_formsets,
            "members": list(plan.core_group_members.all()),
        },
    )


# --- Versions -----------------------------------------------------------------------------------


@require_GET
def plan_versions(request: AuthenticatedRequest, pk: int, plan_id: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk)
    plan = get_plan_of_child(child, plan_id)
    versions = list(plan.versions.select_related("created_by").order_by("-number"))
    chosen = None
    snapshot = None
    number = request.GET.get("number")
    if number:
        chosen = next((v for v in versions if str(v.number) == number), None)
        if chosen is None:
            raise Http404("No such version")
        snapshot = _readable_snapshot(chosen.snapshot)
    return render(
        request,
        "conferences/plan_versions.html",
        {
            "child": child,
            "active_tab": "plan",
            "plan": plan,
            "versions": versions,
            "chosen": chosen,
            "snapshot": snapshot,
        },
    )


def _readable_snapshot(snapshot: dict) -> dict:
    """Dates as dates and progress codes as words, for the template."""
    progress = dict(ActionProgress.choices)
    return {
        "outcomes": [
            {
                "what_needs_to_change": o.get("what_needs_to_change", ""),
                "actions": [
                    {
                        **a,
                        "timescale": date.fromisoformat(a["timescale"])
                        if a.get("timescale")
                        else None,
                        "progress": progress.get(a.get("progress"), a.get("progress", "")),
                    }
                    for a in o.get("actions", [])
                ],
            }
            for o in snapshot.get("outcomes", [])
        ],
    }


# --- The family-friendly plan -------------------------------------------------------------------


def _family_texts(summary: PlanSummary) -> list[tuple[str, str]]:
    """Every piece of text the family will read in their plan, with where it is."""
    texts: list[tuple[str, str]] = [("What we are worried about", summary.plan.family_worries)]
    for n, outcome in enumerate(summary.outcomes, start=1):
        texts.append((f"What needs to change, {n}", outcome.what_needs_to_change))
        for action in outcome.actions.all():
            where = f"Action for {action.owner or 'no owner'}"
            texts.append((where, action.action))
            texts.append((f"{where}: how we will know", action.evidence_of_done))
    texts.append(("What happens if the plan does not work", summary.plan.contingency_plan))
    return texts


def _plain_language_findings(summary: PlanSummary) -> list[dict]:
    """Every jargon term and very long sentence in the text the family will read."""
    glossary = list(JargonTerm.objects.all())
    return [
        {"where": where, "finding": finding}
        for where, text in _family_texts(summary)
        for finding in check_text(text, glossary)
    ]


def _plan_reading_age(summary: PlanSummary):
    """The reading age of the whole family-friendly plan (each piece a sentence of its own)."""
    pieces = [t.strip().rstrip(".") + "." for _, t in _family_texts(summary) if t.strip()]
    return reading_age(" ".join(pieces))


def _family_context(request: AuthenticatedRequest, pk: int, plan_id: int) -> dict:
    child = get_child_for_user(request.user, pk)
    summary = plan_summary(child, plan_id, request.user)
    return {
        "child": child,
        "active_tab": "plan",
        "s": summary,
        "plan": summary.plan,
        # The family's own words, written by the worker: never the chair's reasons.
        "worries": summary.plan.family_worries,
    }


@require_GET
def family_plan(request: AuthenticatedRequest, pk: int, plan_id: int) -> HttpResponse:
    context = _family_context(request, pk, plan_id)
    if plan_is_writable_by(request.user, context["plan"]):
        context["findings"] = _plain_language_findings(context["s"])
        context["reading_age"] = _plan_reading_age(context["s"])
        context["show_check"] = True
        context["can_write"] = context["plan"].is_open
    return render(request, "conferences/family_plan.html", context)


@require_http_methods(["GET", "POST"])
def family_plan_words(request: AuthenticatedRequest, pk: int, plan_id: int) -> HttpResponse:
    """The worker writes the family-friendly plan's own words ("what we are worried about"),
    for the family: it starts empty, never copied from the chair's reasons."""
    child, plan = _writable_plan(request, pk, plan_id)
    if refused := _refuse_if_ended(request, child, plan):
        return refused
    form = FamilyWordsForm(request.POST or None, instance=plan)
    reasons = (
        plan.conferences.filter(status=ConferenceStatus.HELD)
        .order_by("-held_on", "-pk")
        .values_list("decision_reasons", flat=True)
        .first()
    )
    return child_form_page(
        request,
        child=child,
        form=form,
        save=lambda f: plan_family_words_save(
            plan=plan,
            family_worries=f.cleaned_data["family_worries"],
            user=request.user,
            expected_version=f.expected_version,
        ),
        title="The family-friendly plan: what we are worried about",
        success_url=reverse("conferences:family-plan", args=[child.pk, plan.pk]),
        success_message="The family-friendly plan was saved.",
        template="conferences/family_plan_words.html",
        extra_context={"active_tab": "plan", "plan": plan, "chair_reasons": reasons or ""},
    )


@require_GET
def family_plan_print(request: AuthenticatedRequest, pk: int, plan_id: int) -> HttpResponse:
    context = _family_context(request, pk, plan_id)
    context["printed_on"] = timezone.localdate()
    return render(request, "conferences/family_plan_print.html", context)


def pdf_url_fetcher():
    """A WeasyPrint fetcher that allows no protocol at all: the PDF is made from our own
    template alone, so nothing is read from a file, the network or a data: URL."""
    from weasyprint import URLFetcher

    return URLFetcher(allowed_protocols=())


@require_GET
def family_plan_pdf(request: AuthenticatedRequest, pk: int, plan_id: int) -> HttpResponse:
    from weasyprint import HTML  # imported here: it loads Pango, which only this view needs

    context = _family_context(request, pk, plan_id)
    context["printed_on"] = timezone.localdate()
    html = render_to_string("conferences/family_plan_pdf.html", context, request=request)
    pdf = HTML(string=html, url_fetcher=pdf_url_fetcher()).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    # The file name carries no name of the child: downloads folders and print queues are seen.
    filename = f"child-protection-plan-{context['plan'].pk}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


# --- Core groups --------------------------------------------------------------------------------


@require_GET
def core_groups(request: AuthenticatedRequest, pk: int, plan_id: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk)
    plan = get_plan_of_child(child, plan_id)
    plan = plans_queryset(child).get(pk=plan.pk)
    summary = summarise(
        plan, previous_plans=0, due=due_for_child(child), today=timezone.localdate()
    )
    meetings = list(
        plan.core_groups.select_related("recorded_by")
        .prefetch_related("action_updates__action")
        .order_by("-meeting_date", "-pk")
    )
    return render(
        request,
        "conferences/core_groups.html",
        {
            "child": child,
            "active_tab": "plan",
            "plan": plan,
            "s": summary,
            "meetings": meetings,
            "can_edit": plan.is_open and plan_is_writable_by(request.user, plan),
        },
    )


@require_http_methods(["GET", "POST"])
def core_group_add(request: AuthenticatedRequest, pk: int, plan_id: int) -> HttpResponse:
    child, plan = _writable_plan(request, pk, plan_id)
    list_url = reverse("conferences:core-groups", args=[child.pk, plan.pk])
    if not plan.is_open:
        messages.error(request, "This plan has ended: core groups are no longer held.")
        return redirect(list_url)
    policy = LocalPolicy.current()
    today = timezone.localdate()
    open_actions = list(
        PlanAction.objects.filter(outcome__plan=plan)
        .exclude(progress=ActionProgress.DONE)
        .select_related("outcome")
        .order_by("outcome__order", "outcome__pk", "timescale", "pk")
    )
    data = request.POST if request.method == "POST" else None
    form = CoreGroupForm(
        data,
        sibling_plans=joint_core_group_plans(request.user, plan),
        people=family_people([child]),
        instance=CoreGroupMeeting(plan=plan, recorded_by=request.user),
        initial={
            "meeting_date": today,
            "next_meeting_date": timescales.next_core_group_due(today, policy),
        },
    )
    rows = [ActionProgressForm(data, action=a) for a in open_actions]
    if request.method == "POST":
        form_ok = form.is_valid()
        rows_ok = all([row.is_valid() for row in rows])
        if form_ok and rows_ok:
            meeting = form.save(commit=False)
            if meeting.next_meeting_date is None:
                meeting.next_meeting_date = timescales.next_core_group_due(
                    meeting.meeting_date, policy
                )
            updates = []
            for row in rows:
                # The version the worker saw: a change made meanwhile is refused as stale.
                row.action.version = row.cleaned_data["version"]
                updates.append(
                    {
                        "action": row.action,
                        "progress": row.cleaned_data["progress"],
                        "evidence": row.cleaned_data["evidence"].strip(),
                    }
                )
            try:
                core_group_record(
                    meeting=meeting,
                    updates=updates,
                    user=request.user,
                    sibling_plans=list(form.cleaned_data.get("also_for") or []),
                    family_attendees=list(form.cleaned_data.get("family_attendees") or []),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, "The core group was recorded and the plan saved as a new version."
                )
                return redirect(list_url)
    return render(
        request,
        "conferences/core_group_form.html",
        {
            "child": child,
            "active_tab": "plan",
            "plan": plan,
            "form": form,
            "rows": rows,
            "cancel_url": list_url,
        },
    )
