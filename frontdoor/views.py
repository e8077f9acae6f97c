"""The front door's pages: the contact list, a contact recorded, decided, acknowledged, the
outcome told, and the multi-agency checks. Every contact comes through its child's door."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from accounts.http import AuthenticatedRequest
from cases.access import child_is_writable_by, children_for_user, get_child_for_user
from cases.forms.known import KnownSearchForm
from cases.models import Child
from cases.selectors import known_to_us_search
from cases.views.common import add_service_errors, child_form_page
from wirral_cp.dates import day
from wirral_cp.paging import page_of

from . import services
from .forms import CheckForm, ContactForm, DecisionForm, ResponseForm, ToldForm
from .models import AgencyCheck, Contact, ContactDecision
from .selectors import contacts_for_user, get_check, get_contact, may_decide

LIST_FILTERS: dict[str, tuple[str, dict[str, object]]] = {
    "waiting": ("Waiting for a decision", {"decision": ""}),
    "not_acknowledged": ("Referrer not yet acknowledged", {"acknowledged_at__isnull": True}),
    "all": ("All contacts", {}),
}


def _contact_url(contact: Contact) -> str:
    return reverse("frontdoor:contact-detail", args=[contact.child_id, contact.pk])


@require_safe
def contact_list(request: AuthenticatedRequest) -> HttpResponse:
    """The front door's contacts, of the children this user may open, paged."""
    show = request.GET.get("show", "waiting")
    if show not in LIST_FILTERS:
        show = "waiting"
    label, condition = LIST_FILTERS[show]
    contacts = contacts_for_user(request.user).filter(**condition)
    order = ["decision_due", "received_at", "pk"] if show == "waiting" else ["-received_at", "-pk"]
    return render(
        request,
        "frontdoor/contact_list.html",
        {
            "page": page_of(request, contacts.order_by(*order)),
            "show": show,
            "label": label,
            "filters": [(key, words) for key, (words, _) in LIST_FILTERS.items()],
            "today": timezone.localdate(),
        },
    )


@require_safe
def contact_start(request: AuthenticatedRequest) -> HttpResponse:
    """A new contact starts from the child: the "Known to us?" search of the whole person index
    runs first (name with spelling variants, date of birth, NHS number, address, postcode or LA
    child ID). A child of the user's work is recorded on (an LA child ID of one goes straight
    there); a child known to another team shows only that, the team and whether on a plan; a
    child not known is registered (the registration page warns of likely matches again)."""
    form = KnownSearchForm(request.GET or None)
    results = None
    own: list[Child] = []
    if form.is_bound and form.is_valid():
        query = form.cleaned_data["la_child_id"]
        only_id = query and not any(form.cleaned_data[f] for f in form.fields if f != "la_child_id")
        if only_id:
            found = children_for_user(request.user).filter(la_child_id__iexact=query).first()
            if found is not None and child_is_writable_by(request.user, found):
                return redirect("frontdoor:contact-add", found.pk)
        results = known_to_us_search(request.user, form.criteria())
        ids = [r.child_id for r in results if r.seen == "open" and r.child_id]
        own = [
            c
            for c in children_for_user(request.user).filter(pk__in=ids).order_by("last_name")
            if child_is_writable_by(request.user, c)
        ]
        if only_id and not own:
            messages.error(
                request, f"No child you can record a contact for has LA child ID {query}."
            )
    return render(
        request,
        "frontdoor/contact_start.html",
        {"form": form, "results": results, "own": own},
    )


@require_safe
def child_contacts(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk)
    contacts = child.contacts.select_related("decided_by", "referral").order_by("-received_at")
    return render(
        request,
        "frontdoor/child_contacts.html",
        {
            "child": child,
            "contacts": contacts,
            "can_edit": child_is_writable_by(request.user, child),
            "active_tab": "summary",
        },
    )


@require_http_methods(["GET", "POST"])
def contact_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk, write=True)
    form = ContactForm(
        request.POST or None,
        instance=Contact(child=child),
        initial={"received_at": timezone.localtime().replace(second=0, microsecond=0)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_record(contact=form.save(commit=False), user=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"The contact was recorded. The decision is due by "
                f"{contact.decision_due.day} {contact.decision_due:%b %Y}.",
            )
            return redirect(_contact_url(contact))
    return render(
        request,
        "frontdoor/contact_form.html",
        {
            "child": child,
            "form": form,
            "title": "Record a contact",
            "cancel_url": reverse("frontdoor:child-contacts", args=[child.pk]),
        },
    )


@require_safe
def contact_detail(request: AuthenticatedRequest, pk: int, contact_id: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk)
    contact = get_contact(child, contact_id)
    now = timezone.now()
    checks = [(c, c.is_late(now)) for c in contact.checks.select_related("requested_by")]
    return render(
        request,
        "frontdoor/contact_detail.html",
        {
            "child": child,
            "contact": contact,
            "checks": checks,
            "can_edit": child_is_writable_by(request.user, child),
            "can_decide": may_decide(request.user, child),
            "active_tab": "summary",
        },
    )


@require_http_methods(["GET", "POST"])
def contact_decide(request: AuthenticatedRequest, pk: int, contact_id: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk)
    if not may_decide(request.user, child):
        from django.http import Http404

        raise Http404("No such page")
    contact = get_contact(child, contact_id)
    if contact.decision:
        messages.error(
            request,
            f"The decision was already recorded by {contact.decided_by} on "
            f"{day(contact.decision_date)}.",
        )
        return redirect(_contact_url(contact))
    form = DecisionForm(request.POST or None, initial={"version": contact.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_decide(
                contact=contact,
                user=request.user,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                primary_need=form.cleaned_data["primary_need"],
                family_help_team=form.cleaned_data["family_help_team"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Decision recorded: {contact.get_decision_display()}.")
            if contact.decision == ContactDecision.STRATEGY:
                # Immediate safeguarding: the next step is the strategy discussion.
                return redirect(reverse("strategy:discussion-add", args=[child.pk]))
            return redirect(_contact_url(contact))
    return render(
        request,
        "frontdoor/contact_decide.html",
        {
            "child": child,
            "contact": contact,
            "form": form,
            "title": "Decide on the contact",
            "cancel_url": _contact_url(contact),
            "checks_waiting": contact.checks.awaiting().count(),
        },
    )


def _told_page(request: AuthenticatedRequest, pk: int, contact_id: int, *, outcome: bool):
    child = get_child_for_user(request.user, pk, write=True)
    contact = get_contact(child, contact_id)
    if outcome and not contact.decision:
        messages.error(request, "Record the decision before telling the referrer the outcome.")
        return redirect(_contact_url(contact))
    service = services.contact_notify_outcome if outcome else services.contact_acknowledge
    form = ToldForm(
        request.POST or None,
        initial={
            "version": contact.version,
            "at": timezone.localtime().replace(second=0, microsecond=0),
            "to": contact.referrer_name,
            "method": "email" if contact.referrer_email else None,
            "letter": True,
        },
    )
    return child_form_page(
        request,
        child=child,
        form=form,
        save=lambda f: service(
            contact=contact,
            user=request.user,
            at=f.cleaned_data["at"],
            method=f.cleaned_data["method"],
            to=f.cleaned_data["to"],
            letter=f.cleaned_data["letter"],
            expected_version=f.cleaned_data["version"],
        ),
        title="Tell the referrer the outcome" if outcome else "Acknowledge the referrer",
        success_url=_contact_url(contact),
        success_message="The referrer was told the outcome."
        if outcome
        else "The acknowledgement was recorded.",
        template="frontdoor/contact_told.html",
        extra_context={"contact": contact, "outcome": outcome},
    )


@require_http_methods(["GET", "POST"])
def contact_acknowledge(request: AuthenticatedRequest, pk: int, contact_id: int) -> HttpResponse:
    return _told_page(request, pk, contact_id, outcome=False)


@require_http_methods(["GET", "POST"])
def contact_outcome(request: AuthenticatedRequest, pk: int, contact_id: int) -> HttpResponse:
    return _told_page(request, pk, contact_id, outcome=True)


@require_http_methods(["GET", "POST"])
def check_add(request: AuthenticatedRequest, pk: int, contact_id: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk, write=True)
    contact = get_contact(child, contact_id)
    form = CheckForm(
        request.POST or None,
        instance=AgencyCheck(contact=contact, child=child),
        initial={"sent_at": timezone.localtime().replace(second=0, microsecond=0)},
    )
    return child_form_page(
        request,
        child=child,
        form=form,
        save=lambda f: services.check_request(check=f.save(commit=False), user=request.user),
        title="Send a multi-agency check",
        success_url=_contact_url(contact),
        success_message="The check was recorded.",
        template="frontdoor/check_form.html",
        extra_context={"contact": contact},
    )


@require_http_methods(["GET", "POST"])
def check_respond(request: AuthenticatedRequest, pk: int, check_id: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk, write=True)
    check = get_check(child, check_id)
    contact = check.contact
    form = ResponseForm(
        request.POST or None,
        instance=check,
        initial={"responded_at": timezone.localtime().replace(second=0, microsecond=0)}
        if check.responded_at is None
        else None,
    )
    return child_form_page(
        request,
        child=child,
        form=form,
        save=lambda f: services.check_respond(
            check=f.save(commit=False),
            user=request.user,
            responded_at=f.cleaned_data["responded_at"],
            response=f.cleaned_data["response"],
            nothing_known=f.cleaned_data["nothing_known"],
            expected_version=f.expected_version,
        ),
        title=f"The {check.get_agency_display().lower()} response",
        success_url=_contact_url(contact),
        success_message="The response was recorded.",
        template="frontdoor/check_form.html",
        extra_context={"contact": contact, "check": check},
    )
