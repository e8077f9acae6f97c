"""The conference diary: scheduling and invitations (business support), attendance, decisions
and minutes (the chair), feedback, and IRO caseloads.

Business support see every conference's diary fields but never the child's case record: no link
to it, and none of the conference's case content (the child's views, the reasons for the
decision, the minutes).
"""

import copy
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.forms.models import model_to_dict
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedRequest
from accounts.models import User
from audit.services import record_access
from cases.access import Mask, child_is_managed_by, children_for_user, get_child_for_user
from cases.models import PARENT_RELATIONSHIPS
from cases.services import record_save
from cases.views.common import add_service_errors
from strategy.selectors import get_section47
from timescales import rules as timescales
from timescales.calendar import working_days_between
from timescales.models import LocalPolicy
from wirral_cp.concurrency import StaleEditError
from wirral_cp.dates import day, weekday_day
from wirral_cp.paging import page_of

from .. import services, services_transfers
from ..forms.diary import (
    CancelForm,
    DiaryFilterForm,
    DissentFormSet,
    FeedbackInviteForm,
    MinutesDistributeForm,
    MinutesForm,
    OutcomeForm,
    PaperFeedbackForm,
    ParticipantFormSet,
    PublicFeedbackForm,
    ScheduleForm,
    formset_rows,
)
from ..models import (
    ChildProtectionPlan,
    Conference,
    ConferenceDecision,
    ConferenceStatus,
    ConferenceType,
    FeedbackInvitation,
    FeedbackResponse,
    ParticipantKind,
    Quorum,
    RespondentType,
)
from ..selectors import (
    conference_children,
    conferences_for_user,
    conferences_in_reach,
    family_people,
    get_conference_for_user,
    get_conference_to_chair,
    get_conference_to_schedule,
    group_children,
    iro_caseload,
    iro_caseloads,
)

BOOKABLE = (ConferenceStatus.REQUESTED, ConferenceStatus.SCHEDULED, ConferenceStatus.ADJOURNED)
RECORDABLE = (ConferenceStatus.REQUESTED, ConferenceStatus.SCHEDULED, ConferenceStatus.HELD)
RECENT_HELD_DAYS = 92  # "recently held": about the last three months
REVIEWS_DUE_DAYS = 30

# --- Who may do what ---------------------------------------------------------------------------


def _uses_diary(user: User) -> bool:
    return (
        user.is_social_worker
        or user.is_team_manager
        or user.is_iro
        or user.is_business_support
        or user.is_senior_manager
    )


def _is_chair(user: User, conference: Conference) -> bool:
    return user.is_iro and conference.chair_id == user.pk


def _may_record_attendance(user: User, conference: Conference) -> bool:
    return user.is_business_support or _is_chair(user, conference)


def _may_collect_feedback(user: User, conference: Conference) -> bool:
    """Staff who work with the family or run the conference: not senior managers, who see
    feedback in aggregate only."""
    return (
        user.is_social_worker
        or user.is_team_manager
        or user.is_business_support
        or _is_chair(user, conference)
    )


def get_conference_for_attendance(user: User, pk: int) -> Conference:
    """Business support send invitations; the chair records who took part."""
    conference = get_conference_for_user(user, pk)
    if not _may_record_attendance(user, conference):
        raise Http404("No such conference")
    return conference


def get_conference_for_feedback(user: User, pk: int) -> Conference:
    conference = get_conference_for_user(user, pk)
    if not _may_collect_feedback(user, conference):
        raise Http404("No such conference")
    return conference


def _can_open_child(user: User, child_id: int) -> bool:
    return children_for_user(user).filter(pk=child_id).exists()


# --- Timeliness, in words ----------------------------------------------------------------------


@dataclass
class Timeliness:
    text: str
    css: str = ""

    @property
    def late(self) -> bool:
        return self.css == "status-overdue"


def timeliness(conference: Conference, today: date) -> Timeliness:
    """How the conference stands against its target date, said in words (not colour alone)."""
    target = conference.target_date
    if conference.status == ConferenceStatus.CANCELLED:
        return Timeliness("Cancelled")
    if conference.status == ConferenceStatus.HELD:
        if conference.is_late:
            days = working_days_between(target, conference.held_on)
            return Timeliness(f"Held late: {_days(days)} after the target date", "status-overdue")
        return Timeliness("Held by the target date", "status-ok")
    scheduled = conference.scheduled_date if conference.scheduled_for else None
    if scheduled and scheduled > target:
        days = working_days_between(target, scheduled)
        return Timeliness(f"Late: booked {_days(days)} after the target date", "status-overdue")
    if scheduled and scheduled < today:
        return Timeliness(
            f"The conference date ({day(scheduled)}) has passed: its outcome has not been recorded",
            "status-overdue",
        )
    standing = timescales.Standing(target, today)
    left = standing.left
    if standing.kind == timescales.Standing.OVERDUE:
        return Timeliness(f"Late: the target date passed {_days(-left)} ago", "status-overdue")
    if left == 0:
        return Timeliness("Due today", "status-due-soon")
    due_soon = standing.kind == timescales.Standing.DUE_SOON
    return Timeliness(f"{_days(left)} left", "status-due-soon" if due_soon else "")


def _days(n: int) -> str:
    return f"{n} working day{'' if n == 1 else 's'}"


# --- The diary ---------------------------------------------------------------------------------


def _diary_date() -> Coalesce:
    """The date a conference is in the diary on: the day it was held, or is booked for; its
    target date until it is booked."""
    return Coalesce("held_on", TruncDate("scheduled_for"), "target_date")


@require_GET
def diary(request: AuthenticatedRequest) -> HttpResponse:
    """The diary, filtered (status, type, chair, a date range) and paged: each list a page at a
    time, in a fixed number of queries however many conferences the authority has."""
    user = request.user
    if not _uses_diary(user):
        raise Http404("No conference diary for this role")
    form = DiaryFilterForm(request.GET or None, user=user)
    # Restricted records are listed (masked: the diary must show the room is booked). A
    # sibling group is listed once, on the conference it was booked for, with its children;
    # a child's own row shows only when this user may not open that one.
    conferences = conferences_in_reach(user).exclude(
        Q(group_lead__isnull=False)
        & Exists(conferences_for_user(user).filter(pk=OuterRef("group_lead_id")))
    )
    status, kind = form.value("status"), form.value("conference_type")
    chair, date_from, date_to = form.value("chair"), form.value("date_from"), form.value("date_to")
    mine = user.is_iro and form.value("show") == DiaryFilterForm.MINE
    if kind:
        conferences = conferences.filter(conference_type=kind)
    if mine:
        conferences = conferences.filter(chair=user)
    if chair:
        conferences = conferences.filter(chair=chair)
    if date_from or date_to:
        conferences = conferences.alias(diary_date=_diary_date())
        if date_from:
            conferences = conferences.filter(diary_date__gte=date_from)
        if date_to:
            conferences = conferences.filter(diary_date__lte=date_to)
    today = timezone.localdate()
    if status:
        chosen = conferences.filter(status=status)
        chosen = (
            chosen.order_by("-held_on", "-pk")
            if status == ConferenceStatus.HELD
            else chosen.order_by("target_date", "pk")
        )
        sections = [(f"{ConferenceStatus(status).label} conferences", chosen, "page")]
    else:
        held = conferences.held()
        if not date_from:
            held = held.filter(held_on__gte=today - timedelta(days=RECENT_HELD_DAYS))
        sections = [
            (
                "Upcoming conferences",
                conferences.upcoming().order_by("target_date", "pk"),
                "upcoming_page",
            ),
            (
                "Conferences held in the last three months"
                if not date_from
                else "Conferences held",
                held.order_by("-held_on", "-pk"),
                "held_page",
            ),
        ]
    pages = [
        (caption, page_of(request, rows, param=param), param) for caption, rows, param in sections
    ]
    listed = [c for _, page, _ in pages for c in page.object_list]
    siblings = group_children(user, listed)
    child_ids = {c.child_id for c in listed} | {s.child_id for g in siblings.values() for s in g}
    openable = set(children_for_user(user).filter(pk__in=child_ids).values_list("pk", flat=True))
    mask = Mask(user)
    tables = [
        {
            "caption": caption,
            "page": page,
            "param": param,
            # Two paged lists on one page: each navigation landmark has its own name.
            "label": "Pagination" if len(pages) == 1 else f"Pagination: {caption.lower()}",
            "rows": [
                (
                    c,
                    timeliness(c, today),
                    c.child_id in openable,
                    mask.hides(c.child),
                    [(s, s.child_id in openable) for s in siblings[c.pk]],
                )
                for c in page.object_list
            ],
        }
        for caption, page, param in pages
    ]
    return render(
        request,
        "conferences/diary.html",
        {"form": form, "tables": tables, "mine": mine, "today": today},
    )


# --- One conference ----------------------------------------------------------------------------


@require_GET
def detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    conference = get_conference_for_user(user, pk)
    if _can_open_child(user, conference.child_id):
        # The decision, the child's views and the minutes are shown: a look at the record.
        record_access(request=request, obj=conference, what="conference and minutes")
    shared = conference.shared_record
    # Attendance in the order it was entered.
    participants = list(
        shared.participants.select_related("person")
        .prefetch_related("person__other_names")
        .order_by("pk")
    )
    siblings = group_children(user, [conference])[conference.pk]
    group_size = Conference.objects.filter(Q(pk=shared.pk) | Q(group_lead=shared)).count()
    today = timezone.localdate()
    minutes_due = timescales.minutes_due(conference.held_on) if conference.held_on else None
    is_chair = _is_chair(user, conference)
    is_member = bool(conference.group_lead_id)
    # Quorate or not is said once attendance is recorded, not while people are only invited.
    attendance_recorded = any(p.status for p in participants)
    return render(
        request,
        "conferences/conference_detail.html",
        {
            "conference": conference,
            "shared": shared,
            "is_member": is_member,
            "siblings": siblings,
            "group_size": group_size,
            # The minutes are the whole group's: shown only to who may open every child's.
            "sees_whole_group": len(siblings) == group_size - 1,
            "lead_openable": is_member and any(s.pk == shared.pk for s in siblings),
            "participants": participants,
            "quorum": Quorum(participants) if attendance_recorded else None,
            "can_open_child": _can_open_child(user, conference.child_id),
            "timeliness": timeliness(conference, today),
            "minutes_due": minutes_due,
            "minutes_overdue": bool(
                minutes_due and not conference.minutes_distributed_on and minutes_due < today
            ),
            "is_arranger": user.is_business_support,
            "is_chair": is_chair,
            "can_schedule": user.is_business_support
            and conference.status in BOOKABLE
            and not is_member,
            "can_cancel": user.is_business_support
            and conference.status in BOOKABLE
            and not is_member,
            "can_group": user.is_business_support and not is_member,
            "can_record_outcome": is_chair
            and conference.status in RECORDABLE
            and not conference.minutes_approved_at
            and not (is_member and conference.status == ConferenceStatus.HELD),
            "may_record_attendance": _may_record_attendance(user, conference) and not is_member,
            "may_collect_feedback": _may_collect_feedback(user, conference),
            "late_or_due_passed": conference.is_late or today > conference.target_date,
            "can_agree_interim_plan": bool(
                conference.interim_safety_plan.strip()
                and not conference.interim_plan_agreed_by_id
                and conference.status != ConferenceStatus.CANCELLED
                and (conference.is_late or today > conference.target_date)
                and child_is_managed_by(user, conference.child)
            ),
            "distribute_form": MinutesDistributeForm(initial={"distributed_on": today}),
            "feedback_count": conference.feedback_responses.count(),
        },
    )


def _booked_with_group(request: AuthenticatedRequest, conference: Conference) -> HttpResponse:
    messages.info(
        request,
        "This child's conference is part of a sibling group: its date, invitations and "
        "minutes are arranged on the group's conference.",
    )
    return redirect("conferences:detail", conference.pk)


def _conference_form_page(
    request: AuthenticatedRequest,
    *,
    conference: Conference,
    form,
    save,
    title: str,
    success_message: str,
    template: str = "conferences/conference_form.html",
    extra_context: dict | None = None,
    formsets: dict | None = None,
) -> HttpResponse:
    """Render `form` (and any `formsets` of the same page); on a valid POST call the service
    `save(form)` and go back to the conference. Service errors (including a stale edit) land
    on the form."""
    formsets = formsets or {}
    valid = request.method == "POST" and form.is_valid()
    valid = all([fs.is_valid() for fs in formsets.values() if fs.is_bound]) and valid
    if valid:
        try:
            save(form)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, success_message)
            return redirect("conferences:detail", conference.pk)
    context = {"conference": conference, "form": form, "title": title, **formsets}
    context.update(extra_context or {})
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def schedule(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    conference = get_conference_to_schedule(request.user, pk)
    if conference.group_lead_id:
        return _booked_with_group(request, conference)
    if conference.status not in BOOKABLE:
        messages.error(
            request, "Only a requested, scheduled or adjourned conference can be booked."
        )
        return redirect("conferences:detail", conference.pk)
    data = request.POST if request.method == "POST" else None
    today = timezone.localdate()
    if data is not None:
        # The date posted decides: moved back in time, the late reason no longer applies.
        late = today > conference.target_date or ScheduleForm.posted_date_is_late(data, conference)
    else:
        late = conference.is_late or today > conference.target_date
    initial = {}
    if conference.section47_id and not conference.interim_safety_plan:
        initial["interim_safety_plan"] = conference.section47.interim_safety_plan
    form = ScheduleForm(data, instance=copy.copy(conference), initial=initial, late=late)
    return _conference_form_page(
        request,
        conference=conference,
        form=form,
        save=lambda f: services.conference_schedule(
            conference=f.save(commit=False),
            user=request.user,
            expected_version=f.expected_version,
        ),
        title="Schedule the conference",
        success_message="The conference has been scheduled.",
        template="conferences/conference_schedule.html",
        extra_context={"today": today},
    )


@require_POST
def interim_plan_agree(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A manager of the child's team agrees the interim safety plan of a late conference."""
    user = request.user
    conference = get_conference_for_user(user, pk)
    if not child_is_managed_by(user, conference.child):
        raise Http404("No such conference")
    version = request.POST.get("version", "")
    try:
        services.conference_agree_interim_plan(
            conference=conference,
            manager=user,
            expected_version=int(version) if version.isdecimal() else -1,
        )
    except StaleEditError:
        messages.error(
            request,
            "Someone changed the conference since you opened it: read the interim safety plan "
            "again before agreeing it.",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "You agreed the interim safety plan.")
    return redirect("conferences:detail", conference.pk)


@require_http_methods(["GET", "POST"])
def cancel(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    conference = get_conference_to_schedule(request.user, pk)
    if conference.group_lead_id:
        return _booked_with_group(request, conference)
    form = CancelForm(
        request.POST if request.method == "POST" else None, instance=copy.copy(conference)
    )
    return _conference_form_page(
        request,
        conference=conference,
        form=form,
        save=lambda f: services.conference_cancel(
            conference=f.instance,
            user=request.user,
            status=f.cleaned_data["status"],
            reason=f.cleaned_data["cancelled_reason"],
            expected_version=f.expected_version,
        ),
        title="Cancel or adjourn the conference",
        success_message="The conference has been cancelled or adjourned.",
    )


@require_GET
def reports_shared(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Which reports were shared with parents, and when: read from the conference's documents
    (the worker records each sharing on the document); never typed here."""
    from documents.models import REPORT_TYPES
    from documents.selectors import documents_of_event

    conference = get_conference_to_schedule(request.user, pk)
    reports = documents_of_event(conference).filter(
        document_type__in=REPORT_TYPES, removed_at__isnull=True
    )
    return render(
        request,
        "conferences/reports_shared.html",
        {
            "conference": conference,
            "reports": list(reports),
            "deadline": timescales.reports_share_deadline(conference.conference_date)
            if conference.conference_date
            else None,
            "rule": timescales.in_words()["reports_in_advance"],
        },
    )


# --- Invitations and attendance ----------------------------------------------------------------


def suggested_invitations(conference: Conference) -> list[dict]:
    """First invitations from the child's record: the allocated worker, current professionals
    and family members with parental responsibility."""
    child = conference.child
    rows = []
    if child.allocated_worker_id:
        rows.append(
            {
                "kind": ParticipantKind.AGENCY,
                "agency": "social_care",
                "name": str(child.allocated_worker),
                "role": "Allocated social worker",
            }
        )
    for professional in child.professionals.filter(is_current=True):
        role = professional.role
        if professional.organisation:
            role = f"{role}, {professional.organisation}"
        rows.append(
            {
                "kind": ParticipantKind.AGENCY,
                "agency": professional.agency,
                "name": professional.name,
                "role": role,
            }
        )
    for member in child.family.filter(parental_responsibility=True):
        rows.append(
            {
                "kind": ParticipantKind.PARENT
                if member.relationship in PARENT_RELATIONSHIPS or member.lives_with_child
                else ParticipantKind.FAMILY,
                "name": str(member),
                "person": member.person_id,
                "role": f"{member.get_relationship_display()} (parental responsibility)",
            }
        )
    return rows


PARTICIPANT_FIELDS = [
    "kind",
    "person",
    "agency",
    "name",
    "role",
    "invited_on",
    "status",
    "knows_child",
    "supported_by",
]


@require_http_methods(["GET", "POST"])
def participants(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    conference = get_conference_for_attendance(user, pk)
    if conference.group_lead_id:
        return _booked_with_group(request, conference)
    existing = list(conference.participants.all())
    suggested = not existing
    initial = (
        suggested_invitations(conference)
        if suggested
        else [model_to_dict(p, fields=PARTICIPANT_FIELDS) for p in existing]
    )
    data = request.POST if request.method == "POST" else None
    formset = ParticipantFormSet(
        data,
        prefix="participants",
        initial=initial,
        form_kwargs={"people": family_people(conference_children(conference))},
    )
    errors: list[str] = []
    if data is not None and formset.is_valid():
        try:
            services.conference_participants_save(
                conference=conference, rows=formset_rows(formset), user=user
            )
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, "The invitation and attendance list has been saved.")
            return redirect("conferences:detail", conference.pk)
    return render(
        request,
        "conferences/conference_participants.html",
        {
            "conference": conference,
            "formset": formset,
            "suggested": suggested,
            "errors": errors,
            "quorum": Quorum(existing) if existing else None,
            "title": "Invitations and attendance",
        },
    )


# --- The chair's record ------------------------------------------------------------------------


def _outcome_initial(conference: Conference) -> dict:
    today = timezone.localdate()
    held = conference.held_on or min(conference.scheduled_date or today, today)
    initial = {"held_on": held}
    transfer = getattr(conference, "transfer_in", None)
    if transfer is not None and not conference.category:
        # A transfer-in conference starts from the other authority's category.
        initial["category"] = transfer.other_category
    if conference.is_initial:
        initial["first_core_group_date"] = (
            conference.first_core_group_date or timescales.first_core_group_due(held)
        )
        initial["next_review_date"] = conference.next_review_date or timescales.first_review_due(
            held
        )
    else:
        initial["next_review_date"] = conference.next_review_date or timescales.later_review_due(
            held
        )
    return initial


def _record_outcome(form: OutcomeForm, user: User) -> Conference:
    conference = form.save(commit=False)
    if (
        conference.is_initial
        and conference.decision == ConferenceDecision.PLAN
        and not conference.first_core_group_date
    ):
        conference.first_core_group_date = timescales.first_core_group_due(conference.held_on)
    if conference.conference_type == ConferenceType.TRANSFER_IN:
        return services_transfers.transfer_in_hold(
            conference=conference, user=user, expected_version=form.expected_version
        )
    return services.conference_record_outcome(
        conference=conference, user=user, expected_version=form.expected_version
    )


def _dissent_rows(formset) -> list[dict]:
    """The rows of dissent kept: filled in and not ticked for removal."""
    return [
        {name: f.cleaned_data.get(name) or "" for name in ("who", "from_what", "why")}
        for f in formset.forms
        if f.has_changed() and not f.cleaned_data.get("DELETE")
    ]


@require_http_methods(["GET", "POST"])
def outcome(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    conference = get_conference_to_chair(user, pk)
    if conference.status not in RECORDABLE:
        messages.error(
            request,
            f"This conference was {conference.get_status_display().lower()}: it must be "
            "rearranged before its outcome can be recorded.",
        )
        return redirect("conferences:detail", conference.pk)
    if request.method == "GET":
        # The decision, the child's views and the minutes are shown: a look at the record.
        record_access(request=request, obj=conference, what="conference outcome and minutes")
    data = request.POST if request.method == "POST" else None
    participants = list(conference.shared_record.participants.all())
    context = {
        "participants": participants,
        "quorum": Quorum(participants),
        "held": conference.status == ConferenceStatus.HELD,
    }
    if conference.status == ConferenceStatus.HELD:
        if conference.group_lead_id:
            messages.info(
                request,
                "The minutes are the sibling group's: they are written on the conference it "
                f"was booked for ({conference.group_lead.child.full_name}'s).",
            )
            return redirect("conferences:detail", conference.pk)
        if conference.minutes_approved_at:
            messages.info(request, "The minutes have been approved and can no longer be changed.")
            return redirect("conferences:detail", conference.pk)
        form = MinutesForm(data, instance=copy.copy(conference))
        return _conference_form_page(
            request,
            conference=conference,
            form=form,
            save=lambda f: record_save(
                instance=f.save(commit=False), user=user, expected_version=f.expected_version
            ),
            title="Minutes",
            success_message="The minutes have been saved. Approve them when they are final.",
            template="conferences/conference_outcome.html",
            extra_context=context,
        )
    initial = _outcome_initial(conference)
    form = OutcomeForm(data, instance=copy.copy(conference), initial=initial)
    policy = LocalPolicy.current()
    context["core_group_rule"] = (
        f"The first core group is due within {policy.first_core_group_working_days} working "
        "days of the conference."
    )
    if "first_core_group_date" in form.fields:
        form.fields["first_core_group_date"].help_text = (
            f"Suggested: the date it is due if the conference was held on "
            f"{day(initial['held_on'])}. Left empty, it is set from the date held."
        )
    # A post without the dissent rows (an older page, a script) leaves the dissent as it was.
    dissent_data = data if data is not None and "dissent-TOTAL_FORMS" in data else None
    dissents = DissentFormSet(dissent_data, queryset=conference.dissents.all(), prefix="dissent")

    def save(f: OutcomeForm) -> None:
        with transaction.atomic():
            recorded = _record_outcome(f, user)
            if dissents.is_bound:
                services.conference_dissents_save(
                    conference=recorded, rows=_dissent_rows(dissents), user=user
                )

    return _conference_form_page(
        request,
        conference=conference,
        form=form,
        formsets={"dissents": dissents},
        save=save,
        title="Record the conference",
        success_message="The conference's outcome has been recorded.",
        template="conferences/conference_outcome.html",
        extra_context=context,
    )


@require_POST
def minutes_approve(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    conference = get_conference_to_chair(request.user, pk)
    waiting = conference.minutes and not conference.minutes_approved_at
    if waiting and request.POST.get("confirm") != "yes":
        # Approved minutes are final: the chair is asked first (a page, so no JavaScript).
        return render(
            request,
            "conferences/minutes_approve_confirm.html",
            {"conference": conference, "title": "Approve the minutes"},
        )
    try:
        services.minutes_approve(conference=conference, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The minutes are approved and can now be distributed.")
    return redirect("conferences:detail", conference.pk)


@require_POST
def minutes_distribute(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    conference = get_conference_to_schedule(request.user, pk)
    form = MinutesDistributeForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("conferences:detail", conference.pk)
    try:
        services.minutes_distribute(
            conference=conference, user=request.user, on=form.cleaned_data["distributed_on"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The date the minutes were distributed has been recorded.")
    return redirect("conferences:detail", conference.pk)


# --- Feedback ----------------------------------------------------------------------------------

FEEDBACK_LINK_SESSION_KEY = "conferences_feedback_link"


@require_http_methods(["GET", "POST"])
def feedback(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    conference = get_conference_for_feedback(user, pk)
    held = conference.status == ConferenceStatus.HELD
    action = request.POST.get("action") if request.method == "POST" else None
    paper = PaperFeedbackForm(request.POST if action == "paper" else None, prefix="paper")
    invite = FeedbackInviteForm(request.POST if action == "invite" else None, prefix="invite")
    if request.method == "POST" and not held:
        messages.error(request, "Feedback is asked for after the conference has been held.")
        return redirect("conferences:feedback", conference.pk)
    if action == "paper" and paper.is_valid():
        response = paper.save(commit=False)
        response.conference = conference
        response.via = "paper"
        try:
            record_save(instance=response, user=user)
        except ValidationError as error:
            add_service_errors(paper, error)
        else:
            messages.success(request, "The feedback form has been recorded. Thank you.")
            return redirect("conferences:feedback", conference.pk)
    if action == "invite" and invite.is_valid():
        try:
            invitation = services.feedback_invite(
                conference=conference,
                respondent_type=invite.cleaned_data["respondent_type"],
                user=user,
            )
        except ValidationError as error:
            add_service_errors(invite, error)
        else:
            # Shown once, on the next page: the link is not kept anywhere we display again.
            request.session[FEEDBACK_LINK_SESSION_KEY] = {
                "conference": conference.pk,
                "url": request.build_absolute_uri(
                    reverse("conferences:feedback-public", args=[invitation.token])
                ),
                "for": invitation.get_respondent_type_display(),
            }
            return redirect("conferences:feedback", conference.pk)
    link = request.session.pop(FEEDBACK_LINK_SESSION_KEY, None)
    if link and link.get("conference") != conference.pk:
        link = None
    response = render(
        request,
        "conferences/feedback.html",
        {
            "conference": conference,
            "held": held,
            "paper": paper,
            "invite": invite,
            "link": link,
            "invitations": conference.feedback_invitations.order_by("-created_at"),
            "response_count": conference.feedback_responses.count(),
            "now": timezone.now(),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


def _spent(request: HttpRequest, status: int) -> HttpResponse:
    return render(request, "conferences/feedback_expired.html", status=status)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def feedback_public(request: HttpRequest, token: str) -> HttpResponse:
    """The form behind a one-time link. It says nothing about the case: no names, no dates."""
    invitation = FeedbackInvitation.objects.filter(token=token).first()
    if invitation is None:
        return _spent(request, 404)
    if not invitation.usable:
        return _spent(request, 410)
    form = PublicFeedbackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_submit_by_link(token=token, answers=form.cleaned_data)
        except ValidationError:
            return _spent(request, 410)
        return render(request, "conferences/feedback_public_done.html")
    return render(request, "conferences/feedback_public.html", {"form": form})


@dataclass
class ScoreRow:
    label: str
    count: int = 0
    listened_to: int = 0
    understood: int = 0
    prepared: int = 0

    def add(self, count: int, listened_to: int, understood: int, prepared: int) -> None:
        self.count += count
        self.listened_to += listened_to
        self.understood += understood
        self.prepared += prepared

    def _avg(self, total: int) -> float | None:
        return round(total / self.count, 2) if self.count else None

    @property
    def avg_listened_to(self) -> float | None:
        return self._avg(self.listened_to)

    @property
    def avg_understood(self) -> float | None:
        return self._avg(self.understood)

    @property
    def avg_prepared(self) -> float | None:
        return self._avg(self.prepared)


@dataclass
class ScoreTable:
    title: str
    by_type: dict
    total: ScoreRow

    @classmethod
    def empty(cls, title: str) -> "ScoreTable":
        return cls(
            title=title,
            by_type={value: ScoreRow(label) for value, label in RespondentType.choices},
            total=ScoreRow("All respondents"),
        )

    def add(self, respondent_type: str, **sums) -> None:
        self.by_type[respondent_type].add(**sums)
        self.total.add(**sums)

    @property
    def rows(self) -> list[ScoreRow]:
        return [row for row in self.by_type.values() if row.count]


def feedback_scores(responses) -> tuple[ScoreTable, list[ScoreTable]]:
    """Counts and average scores overall and per chair, by respondent type, from one grouped
    query: averages are recomputed from the sums so every level is exact."""
    grouped = (
        responses.values(
            "conference__chair",
            "conference__chair__first_name",
            "conference__chair__last_name",
            "conference__chair__username",
            "respondent_type",
        )
        .annotate(
            count=Count("pk"),
            listened_to=Sum("listened_to"),
            understood=Sum("understood"),
            prepared=Sum("prepared"),
        )
        .order_by(
            "conference__chair__last_name", "conference__chair__first_name", "conference__chair"
        )
    )
    overall = ScoreTable.empty("All conferences")
    per_chair: dict[int | None, ScoreTable] = {}
    for row in grouped:
        chair = row["conference__chair"]
        if chair not in per_chair:
            name = " ".join(
                filter(
                    None,
                    [row["conference__chair__first_name"], row["conference__chair__last_name"]],
                )
            )
            name = name or row["conference__chair__username"] or "No chair recorded"
            per_chair[chair] = ScoreTable.empty(name)
        sums = {k: row[k] for k in ("count", "listened_to", "understood", "prepared")}
        per_chair[chair].add(row["respondent_type"], **sums)
        overall.add(row["respondent_type"], **sums)
    return overall, list(per_chair.values())


@require_GET
def feedback_summary(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    responses = FeedbackResponse.objects.all()
    if user.is_team_manager or user.is_senior_manager:
        own_only = False
    elif user.is_iro:
        own_only = True
        responses = responses.filter(conference__chair=user)
    else:
        raise Http404("No feedback summary for this role")
    overall, per_chair = feedback_scores(responses)
    return render(
        request,
        "conferences/feedback_summary.html",
        {"overall": overall, "per_chair": per_chair, "own_only": own_only},
    )


# --- IRO caseloads -----------------------------------------------------------------------------


@require_GET
def iro_caseload_page(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    sees_all = user.is_team_manager or user.is_senior_manager
    if not (user.is_iro or sees_all):
        raise Http404("No IRO caseload for this role")
    policy = LocalPolicy.current()
    limit = policy.iro_caseload_warning
    today = timezone.localdate()
    context: dict = {"limit": limit, "today": today, "is_iro": user.is_iro, "sees_all": sees_all}
    if user.is_iro:
        children = list(
            iro_caseload(user)
            .prefetch_related(
                Prefetch(
                    "protection_plans",
                    queryset=ChildProtectionPlan.objects.current(),
                    to_attr="open_plans",
                )
            )
            .order_by("last_name", "first_name", "pk")
        )
        upcoming = list(
            Conference.objects.upcoming()
            .filter(chair=user)
            .select_related("child", "chair")
            .order_by("scheduled_for", "target_date", "pk")
        )
        reviews = list(
            Conference.objects.upcoming()
            .filter(
                conference_type=ConferenceType.REVIEW,
                target_date__lte=today + timedelta(days=REVIEWS_DUE_DAYS),
            )
            .filter(Q(chair=user) | Q(plan__conferences__chair=user))
            .distinct()
            .select_related("child", "chair")
            .order_by("target_date", "pk")
        )
        mask = Mask(user)
        context.update(
            masked=mask.hidden_ids([*children, *(c.child for c in [*upcoming, *reviews])]),
            children=children,
            over_limit=len(children) > limit,
            upcoming=[(c, timeliness(c, today)) for c in upcoming],
            reviews=[(c, timeliness(c, today)) for c in reviews],
            reviews_days=REVIEWS_DUE_DAYS,
        )
    if sees_all:
        caseloads = list(iro_caseloads())
        for iro in caseloads:
            iro.over_limit = iro.children > limit
            iro.over_by = iro.children - limit
        context["caseloads"] = caseloads
    return render(request, "conferences/iro_caseload.html", context)


@require_POST
def icpc_request(request: AuthenticatedRequest, pk: int, enquiry_id: int) -> HttpResponse:
    """The section 47 page's "request an initial child protection conference" button."""
    child = get_child_for_user(request.user, pk, write=True)
    enquiry = get_section47(child, enquiry_id)
    if request.POST.get("confirm") != "yes":
        # Asked once more, with what the conference rests on: the target date and whether the
        # child has been seen (refused if not, unless a manager recorded why).
        return render(
            request,
            "conferences/icpc_request_confirm.html",
            {"child": child, "enquiry": enquiry, "active_tab": "strategy"},
        )
    try:
        conference = services.icpc_request(enquiry=enquiry, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"Initial child protection conference requested: it must be held by "
            f"{weekday_day(conference.target_date)}.",
        )
    return redirect("strategy:section47-detail", child.pk, enquiry.pk)
