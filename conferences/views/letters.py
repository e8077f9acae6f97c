"""A conference's letters and minutes: made from the administrator's templates as PDFs, kept
as documents of the conference, and each sending recorded (to whom, how, when)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.http import AuthenticatedRequest
from documents.forms import ShareForm
from documents.models import DocumentType, LetterKind
from documents.selectors import documents_of_event
from documents.services import document_share

from ..letters import letter_generate
from .diary import get_conference_for_attendance


class LetterForm(forms.Form):
    # A contact's outcome letter is the front door's, made from the contact.
    kind = forms.ChoiceField(
        label="Letter",
        choices=[c for c in LetterKind.choices if c[0] != LetterKind.CONTACT_OUTCOME],
    )
    recipient = forms.CharField(label="To", max_length=200)


@require_http_methods(["GET", "POST"])
def letters(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    conference = get_conference_for_attendance(request.user, pk)
    action = request.POST.get("action") if request.method == "POST" else None
    letter_form = LetterForm(request.POST if action == "generate" else None)
    share_form = ShareForm(
        request.POST if action == "send" else None,
        initial={"shared_on": timezone.localdate()},
    )
    papers = documents_of_event(conference).filter(
        document_type__in=[DocumentType.LETTER, DocumentType.MINUTES], removed_at__isnull=True
    )
    if action == "generate" and letter_form.is_valid():
        letter_generate(
            conference=conference,
            kind=letter_form.cleaned_data["kind"],
            recipient=letter_form.cleaned_data["recipient"],
            user=request.user,
        )
        messages.success(request, "The letter has been made. Record how and when it is sent.")
        return redirect("conferences:letters", conference.pk)
    if action not in (None, "generate", "send"):
        messages.error(request, "Choose whether to make a letter or record a sending.")
        return redirect("conferences:letters", conference.pk)
    document_id = request.POST.get("document", "") if action == "send" else ""
    document = papers.filter(pk=int(document_id)).first() if document_id.isdigit() else None
    if action == "send" and document is None:
        share_form.is_valid()
        share_form.add_error(None, "Choose the letter or minutes that were sent.")
    elif action == "send" and share_form.is_valid():
        assert document is not None
        try:
            document_share(document=document, user=request.user, **share_form.cleaned_data)
        except ValidationError as error:
            share_form.add_error(None, error)
        else:
            if (
                document.document_type == DocumentType.MINUTES
                and not conference.minutes_distributed_on
            ):
                from .. import services

                services.minutes_distribute(
                    conference=conference,
                    user=request.user,
                    on=share_form.cleaned_data["shared_on"],
                )
            messages.success(request, "The sending has been recorded.")
            return redirect("conferences:letters", conference.pk)
    participants = list(conference.participants.all())
    return render(
        request,
        "conferences/conference_letters.html",
        {
            "conference": conference,
            "letter_form": letter_form,
            "share_form": share_form,
            "papers": list(papers),
            "participants": participants,
        },
    )
