"""Documents on a child's record: the list, upload, versions, sharing, removal, download.

Every view reaches the child through `cases.access` (through `selectors.get_document_for_user`
for one document); the download is the only way a stored file leaves the system.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import AuthenticatedRequest
from cases.access import child_is_writable_by, get_child_for_user
from cases.views.common import add_service_errors

from . import services
from .events import describe_event, event_choices, event_of_child
from .forms import DocumentUploadForm, NewVersionForm, RemoveForm, ReviewForm, ShareForm
from .models import Document, RecipientKind
from .selectors import documents_due_review, documents_of_child, get_document_for_user
from .validation import EXTENSIONS


def _detail_url(document: Document) -> str:
    return reverse("documents:detail", args=[document.child_id, document.pk])


@require_GET
def child_documents(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk)
    documents = list(documents_of_child(child))
    for document in documents:
        document.about = (  # type: ignore[attr-defined]
            describe_event(document.event) if document.event_id else describe_event(None)
        )
    return render(
        request,
        "documents/child_documents.html",
        {
            "child": child,
            "active_tab": "documents",
            "documents": documents,
            "can_edit": child_is_writable_by(request.user, child),
        },
    )


@require_http_methods(["GET", "POST"])
def upload(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk, write=True)
    choices = event_choices(child)
    form = DocumentUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        about_choices=choices,
        initial={"about": request.GET.get("about", "")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        event = None
        if data["about"]:
            slug, _, event_id = data["about"].partition(":")
            event = event_of_child(child, slug, int(event_id))
        upload_file = data["file"]
        try:
            document = services.document_upload(
                child=child,
                event=event,
                title=data["title"],
                document_type=data["document_type"],
                author=data["author"],
                agency=data["agency"],
                document_date=data["document_date"],
                stream=upload_file,
                original_name=upload_file.name,
                size=upload_file.size,
                user=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The document has been uploaded.")
            return redirect(_detail_url(document))
    return render(
        request,
        "documents/upload.html",
        {
            "child": child,
            "active_tab": "documents",
            "form": form,
            "title": "Upload a document",
            "cancel_url": reverse("documents:child-documents", args=[child.pk]),
        },
    )


@require_GET
def detail(request: AuthenticatedRequest, pk: int, document_id: int) -> HttpResponse:
    document = get_document_for_user(request.user, pk, document_id)
    child = get_child_for_user(request.user, pk)
    return render(
        request,
        "documents/detail.html",
        {
            "child": child,
            "active_tab": "documents",
            "document": document,
            "about": describe_event(document.event) if document.event_id else describe_event(None),
            "versions": list(document.versions.all()),
            "shares": list(document.shares.all()),
            "can_edit": child_is_writable_by(request.user, child) and not document.is_removed,
        },
    )


def _document_form_page(
    request: AuthenticatedRequest,
    *,
    document: Document,
    form,
    save,
    title: str,
    success_message: str,
    template: str = "documents/document_form.html",
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            save(form)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, success_message)
            return redirect(_detail_url(document))
    return render(
        request,
        template,
        {
            "child": document.child,
            "active_tab": "documents",
            "document": document,
            "form": form,
            "title": title,
            "multipart": "file" in form.fields,
            "cancel_url": _detail_url(document),
        },
    )


@require_http_methods(["GET", "POST"])
def new_version(request: AuthenticatedRequest, pk: int, document_id: int) -> HttpResponse:
    document = get_document_for_user(request.user, pk, document_id, write=True)
    if document.is_removed:
        raise Http404("No such document")
    form = NewVersionForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial={"version": document.version},
    )

    def save(f: NewVersionForm) -> None:
        upload_file = f.cleaned_data["file"]
        services.document_add_version(
            document=document,
            stream=upload_file,
            original_name=upload_file.name,
            size=upload_file.size,
            user=request.user,
            note=f.cleaned_data["note"],
            expected_version=f.cleaned_data["version"],
        )

    return _document_form_page(
        request,
        document=document,
        form=form,
        save=save,
        title=f"Upload a new version of {document.title}",
        success_message="The new version has been uploaded; the earlier ones remain.",
    )


@require_http_methods(["GET", "POST"])
def share(request: AuthenticatedRequest, pk: int, document_id: int) -> HttpResponse:
    document = get_document_for_user(request.user, pk, document_id, write=True)
    if document.is_removed:
        raise Http404("No such document")
    form = ShareForm(
        request.POST if request.method == "POST" else None,
        initial={"shared_on": timezone.localdate(), "recipient_kind": RecipientKind.PARENT},
    )
    return _document_form_page(
        request,
        document=document,
        form=form,
        save=lambda f: services.document_share(
            document=document, user=request.user, **f.cleaned_data
        ),
        title=f"Record that {document.title} was sent or given to someone",
        success_message="The sharing has been recorded.",
    )


@require_http_methods(["GET", "POST"])
def remove(request: AuthenticatedRequest, pk: int, document_id: int) -> HttpResponse:
    document = get_document_for_user(request.user, pk, document_id, write=True)
    if document.is_removed:
        raise Http404("No such document")
    form = RemoveForm(
        request.POST if request.method == "POST" else None, initial={"version": document.version}
    )
    return _document_form_page(
        request,
        document=document,
        form=form,
        save=lambda f: services.document_remove(
            document=document,
            user=request.user,
            reason=f.cleaned_data["reason"],
            expected_version=f.cleaned_data["version"],
        ),
        title=f"Remove {document.title}",
        success_message="The document has been removed. A record of it remains.",
    )


@require_GET
def download(request: AuthenticatedRequest, pk: int, document_id: int) -> HttpResponseBase:
    """The only way out for a stored file: through the access rule, audited, as an attachment
    the browser may not sniff into something else."""
    document = get_document_for_user(request.user, pk, document_id)
    if document.is_removed:
        raise Http404("No such document")
    versions = document.versions.all()
    number = request.GET.get("version")
    version = (
        versions.filter(number=int(number)).first()
        if number and number.isdigit()
        else versions.order_by("-number").first()
    )
    if version is None:
        raise Http404("No such version")
    if not version.downloadable:
        return render(
            request,
            "documents/not_downloadable.html",
            {"document": document, "version": version},
            status=409,
        )
    # Audited by audit.middleware.RecordAccessMiddleware: a 200 under /children/<pk>/ is an
    # "accessed" entry against the child, named "documents:download" (one entry per look).
    name = f"document-{document.pk}-v{version.number}.{EXTENSIONS.get(version.content_type, 'bin')}"
    response = FileResponse(
        version.file.open("rb"),
        as_attachment=True,
        filename=name,
        content_type=version.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _may_review_retention(request: AuthenticatedRequest) -> bool:
    return request.user.has_perm("documents.review_retention")


@require_http_methods(["GET", "POST"])
def retention(request: AuthenticatedRequest) -> HttpResponse:
    """The records officer's list: documents past their retention period, not yet reviewed.
    Nothing is deleted automatically; the decision is recorded."""
    if not _may_review_retention(request):
        raise Http404("No such page")
    today = timezone.localdate()
    form = ReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        document = documents_due_review(today).filter(pk=form.cleaned_data["document"]).first()
        if document is None:
            raise Http404("No such document")
        services.document_review(
            document=document, user=request.user, note=form.cleaned_data["note"]
        )
        messages.success(request, f"The review of “{document.title}” has been recorded.")
        return redirect("documents:retention")
    if request.method == "POST":
        messages.error(request, "Record the decision for the document.")
    return render(
        request,
        "documents/retention.html",
        {"documents": list(documents_due_review(today)[:200]), "today": today},
    )
