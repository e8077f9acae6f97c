"""Visits, case notes, chronology, management oversight and service referrals of a child's record.

Anyone who may see the child may read these pages; writers (`write=True`) add and change
records; management oversight is recorded only by a manager of the child's team.
"""

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedRequest
from wirral_cp.concurrency import StaleEditError
from wirral_cp.paging import page_of

from ..access import (
    child_is_managed_by,
    child_is_writable_by,
    get_child_for_manager,
    get_child_for_user,
)
from ..chronology import chronology_for
from ..forms.activity import (
    CaseNoteCorrectionForm,
    CaseNoteForm,
    ChronologyDescribeForm,
    ManagementOversightForm,
    ManualChronologyEntryForm,
    MissingEpisodeForm,
    NoteFilterForm,
    ServiceReferralForm,
    VisitForm,
)
from ..models import (
    CaseNote,
    ManagementOversight,
    ManualChronologyEntry,
    MissingEpisode,
    ServiceReferral,
    Visit,
)
from ..services import (
    case_note_correct,
    chronology_describe,
    chronology_entry_add,
    chronology_entry_edit,
    visit_record,
)
from .common import child_form_page, saving


def _saving_visit(user):
    return lambda form: visit_record(
        visit=form.save(commit=False),
        user=user,
        expected_version=getattr(form, "expected_version", None),
    )


NOTES_PER_PAGE = 50

# --- Visits -----------------------------------------------------------------------------------


@require_GET
def visits(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk)
    visit_list = list(child.visits.select_related("recorded_by"))
    return render(
        request,
        "cases/visit_list.html",
        {
            "child": child,
            "active_tab": "visits",
            "visits": visit_list,
            "last_seen": next((v for v in visit_list if v.child_seen), None),
            "last_seen_alone": next((v for v in visit_list if v.seen_alone), None),
            "can_edit": child_is_writable_by(request.user, child),
        },
    )


@require_http_methods(["GET", "POST"])
def visit_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk, write=True)
    form = VisitForm(request.POST or None, instance=Visit(child=child, recorded_by=request.user))
    return child_form_page(
        request,
        child=child,
        form=form,
        save=_saving_visit(request.user),
        title="Record a visit",
        success_url=reverse("cases:visits", args=[child.pk]),
        success_message="The visit was recorded.",
        template="cases/visit_form.html",
        extra_context={"active_tab": "visits"},
    )


@require_http_methods(["GET", "POST"])
def visit_edit(request: AuthenticatedRequest, pk: int, visit_id: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk, write=True)
    visit = get_object_or_404(child.visits, pk=visit_id)
    form = VisitForm(request.POST or None, instance=visit)
    return child_form_page(
        request,
        child=child,
        form=form,
        save=_saving_visit(request.user),
        title=f"Edit the visit of {date_format(visit.visit_date, 'j M Y')}",
        success_url=reverse("cases:visits", args=[child.pk]),
        success_message="The visit was saved.",
        template="cases/visit_form.html",
        extra_context={"active_tab": "visits"},
    )


# --- Missing episodes -------------------------------------------------------------------------


@require_GET
def missing(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk)
    return render(
        request,
        "cases/missing_list.html",
        {
            "child": child,
            "active_tab": "missing",
            "episodes": list(child.missing_episodes.select_related("recorded_by")),
            "can_edit": child_is_writable_by(request.user, child),
        },
    )


@require_http_methods(["GET", "POST"])
def missing_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk, write=True)
    form = MissingEpisodeForm(
        request.POST or None, instance=MissingEpisode(child=child, recorded_by=request.user)
    )
    return child_form_page(
        request,
        child=child,
        form=form,
        save=saving(request.user),
        title="Record a missing episode",
        success_url=reverse("cases:missing", args=[child.pk]),
        success_message="The missing episode was recorded.",
        template="cases/missing_form.html",
        extra_context={"active_tab": "missing"},
    )


@require_http_methods(["GET", "POST"])
def missing_edit(request: AuthenticatedRequest, pk: int, episode_id: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk, write=True)
    episode = get_object_or_404(child.missing_episodes, pk=episode_id)
    form = MissingEpisodeForm(request.POST or None, instance=episode)
    started = timezone.localtime(episode.started_at)
    return child_form_page(
        request,
        child=child,
        form=form,
        save=saving(request.user),
        title=f"Edit the missing episode of {date_format(started, 'j M Y H:i')}",
        success_url=reverse("cases:missing", args=[child.pk]),
        success_message="The missing episode was saved.",
        template="cases/missing_form.html",
        extra_context={"active_tab": "missing"},
    )


# --- Case notes -------------------------------------------------------------------------------


@require_GET
def notes(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk)
    filter_form = NoteFilterForm(request.GET or None)
    # Meta.ordering is not applied to an aggregated query, so order explicitly.
    note_list = (
        child.notes.select_related("author")
        .annotate(corrections=Count("versions"))
        .order_by("-event_date", "-created_at", "-pk")
    )
    if filter_form.is_valid():
        if filter_form.cleaned_data["type"]:
            note_list = note_list.filter(note_type=filter_form.cleaned_data["type"])
        if filter_form.cleaned_data["significant"]:
            note_list = note_list.filter(is_significant=True)
    page = page_of(request, note_list, per_page=NOTES_PER_PAGE)
    return render(
        request,
        "cases/note_list.html",
        {
            "child": child,
            "active_tab": "notes",
            "page": page,
            "filter_form": filter_form,
            "filtered": filter_form.is_bound and filter_form.has_changed(),
            "can_edit": child_is_writable_by(request.user, child),
        },
    )


@require_http_methods(["GET", "POST"])
def note_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk, write=True)
    form = CaseNoteForm(request.POST or None, instance=CaseNote(child=child, author=request.user))
    return child_form_page(
        request,
        child=child,
        form=form,
        save=saving(request.user),
        title="Write a case note",
        success_url=reverse("cases:notes", args=[child.pk]),
        success_message="The case note was saved.",
        extra_context={"active_tab": "notes"},
    )


@require_GET
def note_detail(request: AuthenticatedRequest, pk: int, note_id: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk)
    note = get_object_or_404(child.notes.select_related("author"), pk=note_id)
    versions = list(note.versions.select_related("written_by", "replaced_by"))
    return render(
        request,
        "cases/note_detail.html",
        {
            "child": child,
            "active_tab": "notes",
            "note": note,
            "versions": versions,
            # The current text was written by whoever made the latest correction.
            "current_by": versions[0].replaced_by if versions else note.author,
            "current_at": note.updated_at if versions else note.created_at,
            "can_edit": child_is_writable_by(request.user, child),
        },
    )


@require_http_methods(["GET", "POST"])
def note_correct(request: AuthenticatedRequest, pk: int, note_id: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk, write=True)
    note = get_object_or_404(child.notes, pk=note_id)
    detail_url = reverse("cases:note-detail", args=[child.pk, note.pk])
    form = CaseNoteCorrectionForm(request.POST or None, instance=note)
    return child_form_page(
        request,
        child=child,
        form=form,
        save=lambda f: case_note_correct(
            note=f.save(commit=False),
            user=request.user,
            reason=f.cleaned_data["correction_reason"],
            expected_version=f.expected_version,
        ),
        title=f"Correct the case note “{note.subject}”",
        success_url=detail_url,
        success_message="The correction was saved; the earlier text is kept.",
        template="cases/note_correct.html",
        extra_context={"active_tab": "notes"},
    )


# --- Chronology -------------------------------------------------------------------------------


@require_GET
def chronology(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk)
    return render(
        request,
        "cases/chronology.html",
        {
            "child": child,
            "active_tab": "chronology",
            "events": chronology_for(child),
            "can_edit": child_is_writable_by(request.user, child),
        },
    )


@require_GET
def chronology_print(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk)
    return render(
        request,
        "cases/chronology_print.html",
        {"child": child, "events": chronology_for(child), "printed_at": timezone.localtime()},
    )


@require_POST
def chronology_describe_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk, write=True)
    form = ChronologyDescribeForm(request.POST)
    entries = {event.key: event for event in chronology_for(child)}
    event = entries.get(request.POST.get("source_key", ""))
    if event is None or event.manual:
        # Not one of this child's entries: never store wording against someone else's record.
        # A manual entry is the worker's own words already, changed on its own page.
        raise Http404("No such chronology entry")
    url = reverse("cases:chronology", args=[child.pk])
    if not form.is_valid():
        messages.error(
            request, "Give the entry a short description (at most 300 characters); not saved."
        )
        return redirect(f"{url}#{event.anchor}")
    restore = form.cleaned_data["restore"]
    try:
        chronology_describe(
            child=child,
            user=request.user,
            source_key=event.key,
            description="" if restore else form.cleaned_data["description"],
            # No `was` counts as the system's wording: a form that does not say what it
            # changed cannot replace anyone's description.
            was=form.cleaned_data["was"],
        )
    except StaleEditError:
        messages.error(
            request,
            "Someone else changed this entry's description after you opened the chronology. "
            "Yours has not been saved: the entry shows theirs now; change it again if needed.",
        )
        return redirect(f"{url}#{event.anchor}")
    messages.success(
        request,
        "The entry has the system's wording again."
        if restore
        else "The chronology entry's description was saved.",
    )
    return redirect(f"{url}#{event.anchor}")


@require_http_methods(["GET", "POST"])
def chronology_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Write an entry into the chronology by hand: a historical event, or another agency's
    information, with its source."""
    child = get_child_for_user(request.user, pk, write=True)
    form = ManualChronologyEntryForm(
        request.POST or None, instance=ManualChronologyEntry(child=child)
    )
    return child_form_page(
        request,
        child=child,
        form=form,
        save=lambda f: chronology_entry_add(entry=f.save(commit=False), user=request.user),
        title="Add an entry to the chronology",
        success_url=reverse("cases:chronology", args=[child.pk]),
        success_message="The entry was added to the chronology.",
        template="cases/chronology_entry_form.html",
        extra_context={"active_tab": "chronology"},
    )


@require_GET
def chronology_entry(request: AuthenticatedRequest, pk: int, entry_id: int) -> HttpResponse:
    """A manual chronology entry with its source and its earlier versions."""
    child = get_child_for_user(request.user, pk)
    entry = get_object_or_404(child.manual_chronology.select_related("recorded_by"), pk=entry_id)
    return render(
        request,
        "cases/chronology_entry.html",
        {
            "child": child,
            "active_tab": "chronology",
            "entry": entry,
            "versions": list(entry.versions.all()),
            "can_edit": entry.recorded_by_id == request.user.pk
            and child_is_writable_by(request.user, child),
        },
    )


@require_http_methods(["GET", "POST"])
def chronology_entry_edit_view(
    request: AuthenticatedRequest, pk: int, entry_id: int
) -> HttpResponse:
    """Its author changes a manual entry; the words it replaces are kept."""
    child = get_child_for_user(request.user, pk, write=True)
    # Only its author changes an entry; to anyone else the edit page does not exist (as the
    # manager's pages are to a worker: get_child_for_manager).
    entry = get_object_or_404(child.manual_chronology, pk=entry_id, recorded_by=request.user)
    form = ManualChronologyEntryForm(request.POST or None, instance=entry)
    return child_form_page(
        request,
        child=child,
        form=form,
        save=lambda f: chronology_entry_edit(
            entry=f.save(commit=False), user=request.user, expected_version=f.expected_version
        ),
        title="Change a chronology entry",
        success_url=reverse("cases:chronology-entry", args=[child.pk, entry.pk]),
        success_message="The entry was changed; its earlier words are kept.",
        template="cases/chronology_entry_form.html",
        extra_context={"active_tab": "chronology"},
    )


# --- Management oversight ---------------------------------------------------------------------


@require_GET
def oversight(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk)
    entries = list(child.oversight.select_related("manager"))
    last = entries[0] if entries else None
    return render(
        request,
        "cases/oversight_list.html",
        {
            "child": child,
            "active_tab": "oversight",
            "entries": entries,
            "last": last,
            "review_overdue": bool(last and last.next_review_date < timezone.localdate()),
            "can_add": child_is_managed_by(request.user, child),
        },
    )


@require_http_methods(["GET", "POST"])
def oversight_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    child = get_child_for_manager(request.user, pk)
    form = ManagementOversightForm(
        request.POST or None, instance=ManagementOversight(child=child, manager=request.user)
    )
    return child_form_page(
        request,
        child=child,
        form=form,
        save=saving(request.user),
        title="Record management oversight",
        success_url=reverse("cases:oversight", args=[child.pk]),
        success_message="The management oversight was recorded.",
        extra_context={"active_tab": "oversight"},
    )


# --- Service referrals ------------------------------------------------------------------------


@require_GET
def services(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk)
    # Still waiting first, longest wait at the top; then the rest, most recent referral first.
    service_list = sorted(
        child.service_referrals.all(),
        key=lambda s: (
            not s.still_waiting,
            s.date_referred.toordinal() * (1 if s.still_waiting else -1),
            s.pk,
        ),
    )
    return render(
        request,
        "cases/service_list.html",
        {
            "child": child,
            "active_tab": "services",
            "services": service_list,
            "waiting_count": sum(1 for s in service_list if s.still_waiting),
            "can_edit": child_is_writable_by(request.user, child),
        },
    )


@require_http_methods(["GET", "POST"])
def service_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk, write=True)
    form = ServiceReferralForm(request.POST or None, instance=ServiceReferral(child=child))
    return child_form_page(
        request,
        child=child,
        form=form,
        save=saving(request.user),
        title="Record a referral to a service",
        success_url=reverse("cases:services", args=[child.pk]),
        success_message="The service referral was recorded.",
        extra_context={"active_tab": "services"},
    )


@require_http_methods(["GET", "POST"])
def service_edit(request: AuthenticatedRequest, pk: int, service_id: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk, write=True)
    service = get_object_or_404(child.service_referrals, pk=service_id)
    form = ServiceReferralForm(request.POST or None, instance=service)
    return child_form_page(
        request,
        child=child,
        form=form,
        save=saving(request.user),
        title=f"Update the referral to {service.get_service_display()}",
        success_url=reverse("cases:services", args=[child.pk]),
        success_message="The service referral was saved.",
        extra_context={"active_tab": "services"},
    )
