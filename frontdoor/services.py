"""Writes to contacts and multi-agency checks: each atomic, validated, audited (the actor is the
user) and refused when someone else saved first.

A decision to refer, or to hold a strategy discussion, opens the census referral (the CIN
episode) through `cases.services_episodes.referral_create`, the one constructor of a referral,
with its checks (one open episode, no overlap): the contact is the referral's origin, and the
threshold decision is the contact's. No other decision creates a referral, so a contact that
is not a referral never reaches the CIN census.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.actor import acting_as
from accounts.models import Team, User
from cases.models import Referral, ThresholdDecision
from cases.services import record_save
from cases.services_episodes import referral_create
from documents.models import Document, DocumentType, LetterKind
from timescales import rules as timescales
from wirral_cp.concurrency import save_with_version
from wirral_cp.dates import day

from .models import AgencyCheck, Contact, ContactDecision

# The referral's threshold decision that each contact decision opening one stands for.
REFERRAL_DECISION = {
    ContactDecision.REFERRAL: ThresholdDecision.ASSESSMENT,
    ContactDecision.STRATEGY: ThresholdDecision.STRATEGY,
}

# What else a decision starts, in apps that sit beside or above this one (the Family Help
# record for a "Family Help" decision): they register from their AppConfig.ready and run in
# the decision's transaction, as the same user.
DecisionListener = Callable[[Contact, User], object]
_decision_listeners: list[DecisionListener] = []


def register_decision_listener(listener: DecisionListener) -> DecisionListener:
    if listener not in _decision_listeners:
        _decision_listeners.append(listener)
    return listener


@transaction.atomic
def contact_record(*, contact: Contact, user: User) -> Contact:
    """Record a new contact, with its decision and acknowledgement due dates stored."""
    contact.recorded_by = user
    if contact.received_at:
        received = timezone.localtime(contact.received_at).date()
        contact.decision_due = timescales.contact_decision_due(received)
        contact.acknowledgement_due = timescales.referrer_acknowledgement_due(received)
    return record_save(instance=contact, user=user)


@transaction.atomic
def contact_decide(
    *,
    contact: Contact,
    user: User,
    decision: str,
    reason: str,
    primary_need: str = "",
    family_help_team: Team | None = None,
    expected_version: int | None = None,
) -> Contact:
    """Record the decision on a contact; a referral or strategy discussion opens the referral.

    `primary_need` (the census code) is asked for only when the decision opens a referral;
    `family_help_team` (the team asked to take the child on) only for a Family Help decision,
    whose request the Family Help app records (a registered listener)."""
    locked = Contact.objects.select_for_update().get(pk=contact.pk)
    if locked.decision:
        raise ValidationError(
            f"The decision was already recorded by {locked.decided_by} on "
            f"{day(locked.decision_date)}."
        )
    now = timezone.now()
    contact.decision = decision
    contact.decision_reason = reason
    contact.decided_by = user
    contact.decided_at = now
    contact.family_help_team = family_help_team if decision == ContactDecision.FAMILY_HELP else None
    with acting_as(user):
        contact.full_clean()
    if decision in REFERRAL_DECISION:
        if not primary_need:
            raise ValidationError(
                {"primary_need": "Give the primary need (N0 Not stated if it is not yet clear)."}
            )
        referral = Referral(
            child=contact.child,
            received_at=contact.received_at,
            source=contact.source,
            referrer_name=contact.referrer[:200],
            reason=contact.reported,
            primary_need=primary_need,
            decision=REFERRAL_DECISION[ContactDecision(decision)],
            decision_reason=reason,
            decided_by=user,
            decided_at=now,
        )
        try:
            contact.referral = referral_create(referral=referral, user=user)
        except ValidationError as error:
            # The episode's rules speak of the referral's date: here it is the contact's.
            messages = [m for ms in getattr(error, "message_dict", {}).values() for m in ms]
            raise ValidationError({"decision": messages or error.messages}) from error
    with acting_as(user):
        save_with_version(contact, expected_version=expected_version)
        for listener in _decision_listeners:
            listener(contact, user)
    return contact


def _contact_of(user: User | None) -> str:
    if user is None:
        return ""
    parts = [p for p in (user.job_title, user.email) if p]
    return ", ".join(parts)


def letter_values(contact: Contact, recipient: str, user: User) -> dict[str, str]:
    """The fields of a letter to the referrer about this contact, as plain text."""
    return {
        "child_name": contact.child.full_name,
        "recipient_name": recipient,
        "referral_date": f"{day(contact.received_date)}",
        "worker_name": str(user),
        "worker_contact": _contact_of(user),
        "contact_outcome": contact.get_decision_display() if contact.decision else "",
    }


def _letter(*, contact: Contact, kind: str, recipient: str, user: User) -> Document:
    """The letter to the referrer, made from its template, kept as a document of the child
    (attached to the contact)."""
    from documents.letters import letter_pdf
    from documents.services import document_generate

    lines = [recipient, contact.referrer_agency, contact.referrer_address]
    pdf = letter_pdf(
        kind=kind,
        values=letter_values(contact, recipient, user),
        sender=str(user),
        address_lines=[line for line in lines if line],
    )
    return document_generate(
        child=contact.child,
        event=contact,
        title=f"{LetterKind(kind).label}: {recipient}",
        document_type=DocumentType.LETTER,
        content=pdf,
        filename=f"letter-{kind}.pdf",
        user=user,
        author=str(user),
    )


@transaction.atomic
def contact_acknowledge(
    *,
    contact: Contact,
    user: User,
    at: datetime,
    method: str,
    to: str,
    letter: bool,
    expected_version: int | None,
) -> Contact:
    """Record that the referrer was told their contact was received (how, when, to whom), with
    the acknowledgement letter made from its template when asked for."""
    contact.acknowledged_at = at
    contact.acknowledged_by = user
    contact.acknowledgement_method = method
    contact.acknowledged_to = to
    with acting_as(user):
        contact.full_clean()
        if letter:
            contact.acknowledgement_letter = _letter(
                contact=contact, kind=LetterKind.REFERRER_ACK, recipient=to, user=user
            )
        save_with_version(contact, expected_version=expected_version)
    return contact


@transaction.atomic
def contact_notify_outcome(
    *,
    contact: Contact,
    user: User,
    at: datetime,
    method: str,
    to: str,
    letter: bool,
    expected_version: int | None,
) -> Contact:
    """Record that the referrer was told the outcome (how, when, to whom), with the outcome
    letter made from its template when asked for."""
    if not contact.decision:
        raise ValidationError("Record the decision before telling the referrer the outcome.")
    contact.outcome_notified_at = at
    contact.outcome_notified_by = user
    contact.outcome_method = method
    contact.outcome_notified_to = to
    with acting_as(user):
        contact.full_clean()
        if letter:
            contact.outcome_letter = _letter(
                contact=contact, kind=LetterKind.CONTACT_OUTCOME, recipient=to, user=user
            )
        save_with_version(contact, expected_version=expected_version)
    return contact


@transaction.atomic
def check_request(*, check: AgencyCheck, user: User) -> AgencyCheck:
    """Record a check sent to a partner agency, with its response due time stored (the local
    target for its urgency)."""
    check.child_id = check.contact.child_id
    check.requested_by = user
    if check.sent_at and check.urgency:
        check.due_at = timescales.check_response_due(check.sent_at, check.urgency)
    return record_save(instance=check, user=user)


@transaction.atomic
def check_respond(
    *,
    check: AgencyCheck,
    user: User,
    responded_at: datetime,
    response: str,
    nothing_known: bool,
    expected_version: int | None,
) -> AgencyCheck:
    """Record the agency's answer: what it said, or that it knows nothing of the child."""
    check.responded_at = responded_at
    check.response = response
    check.nothing_known = nothing_known
    return record_save(instance=check, user=user, expected_version=expected_version)


def check_answered_by_contribution(check: AgencyCheck, request: Any, documents: list[Any]) -> None:
    """A contribution asked for this check has arrived (inside the writing transaction): the
    check is answered then, its response pointing to the documents on the contact. A response
    recorded already by a worker is left as it is (the documents are still on the contact)."""
    check = AgencyCheck.objects.select_for_update().get(pk=check.pk)
    if check.responded_at is not None:
        return
    titles = "; ".join(d.title for d in documents)
    check.responded_at = request.received_at
    check.nothing_known = False
    check.response = (
        f"Answered through a contribution request by {request.professional_name} "
        f"({request.get_agency_display()}): see the contact's documents ({titles})."
    )
    # Recorded as made by the account the documents were made by (the partner portal's).
    record_save(instance=check, user=documents[0].created_by)
