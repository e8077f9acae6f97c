"""Contribution requests: what may be asked about, the link and the code, who hears of a request.

- *Targets*: the meetings a contribution may be asked for. Each app registers its own from its
  AppConfig (this app sits below strategy and conferences and imports neither): the model, what
  is asked (information or a report), the meeting's date, and optionally which of them a role
  that does not write to the child's record may ask about (business support, for the
  conferences they arrange). A multi-agency check registers itself the same way (frontdoor):
  what it sends lands on the contact (`lands_on`), and the check hears of it (`on_received`).
- *The link* is `signing.dumps([request id, random secret])` (Django's signer with its own
  salt); only the SHA-256 of the secret is stored, so the database holds no usable link. It
  is spent when first used and expires after `CONTRIBUTION_LINK_DAYS`.
- *The code*: six digits from `secrets`, sent to the same address when the link is used;
  stored as an HMAC-SHA256 keyed with SECRET_KEY (six digits are too few for a plain hash),
  valid `CONTRIBUTION_CODE_MINUTES`, at most `CONTRIBUTION_CODE_MAX_ATTEMPTS` tries.
- *Listeners*: a higher app hears of a new request (the partners app sends the
  "contribution.requested" webhook), inside the writing transaction, identifiers and dates only.
"""

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core import signing
from django.db.models import Model, QuerySet

from accounts.models import User

from .models import ContributionKind

SALT = "documents.contribution-link"
CONTRIBUTION_REQUESTED = "contribution.requested"


@dataclass(frozen=True)
class Target:
    slug: str
    model: type[Model]
    label: str
    asks: str  # a ContributionKind
    when: Callable[[Any], date | datetime | None]
    url: Callable[[Any], str] | None = None  # the meeting's page
    child_field: str = "child"
    # The targets (a QuerySet of `model`) a user who does not write to the child may ask about;
    # must leave out restricted records the user is not named on.
    requestable_by: Callable[[User], QuerySet[Any]] | None = None
    # The record the documents sent land on (default: the target itself).
    lands_on: Callable[[Any], Model] | None = None
    # Told, inside the writing transaction, when a contribution for the target arrives
    # (the target, the answered request, the documents it brought).
    on_received: Callable[[Any, Any, list[Any]], None] | None = None

    def meeting_date(self, target: Any) -> date | None:
        when = self.when(target)
        if isinstance(when, datetime):
            from django.utils import timezone

            return timezone.localtime(when).date()
        return when

    @property
    def asks_label(self) -> str:
        return ContributionKind(self.asks).label


_TARGETS: dict[str, Target] = {}


def register_contribution_target(
    slug: str,
    model: type[Model],
    label: str,
    *,
    asks: str,
    when: Callable[[Any], date | datetime | None],
    url: Callable[[Any], str] | None = None,
    child_field: str = "child",
    requestable_by: Callable[[User], QuerySet[Any]] | None = None,
    lands_on: Callable[[Any], Model] | None = None,
    on_received: Callable[[Any, Any, list[Any]], None] | None = None,
) -> None:
    _TARGETS[slug] = Target(
        slug, model, label, asks, when, url, child_field, requestable_by, lands_on, on_received
    )


def target_kinds() -> list[Target]:
    return list(_TARGETS.values())


def target_kind(slug: str) -> Target | None:
    return _TARGETS.get(slug)


def kind_of(target: Model) -> Target | None:
    return next((k for k in _TARGETS.values() if k.model is type(target)), None)


# --- Who hears of a new request --------------------------------------------------------------

Listener = Callable[[str, dict[str, Any]], None]
_LISTENERS: list[Listener] = []


def register_contribution_listener(listener: Listener) -> Listener:
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)
    return listener


def announce(event: str, facts: dict[str, Any]) -> None:
    for listener in _LISTENERS:
        listener(event, facts)


# --- The link and the code -------------------------------------------------------------------


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def new_link(request_id: int) -> tuple[str, str]:
    """A link token for this request and the hash to store (the token itself is not kept)."""
    secret = secrets.token_urlsafe(32)
    return signing.dumps([request_id, secret], salt=SALT, compress=False), _sha256(secret)


class BadLink(Exception):
    pass


def read_link(token: str) -> tuple[int, str]:
    """The request id and the secret's hash from a link token; BadLink if it was tampered with
    (the link's expiry is the request's, stored, so that it can be checked on any channel)."""
    try:
        value = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise BadLink("This link is not valid.") from None
    if not (
        isinstance(value, list)
        and len(value) == 2
        and isinstance(value[0], int)
        and isinstance(value[1], str)
    ):
        raise BadLink("This link is not valid.")
    return value[0], _sha256(value[1])


def new_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def code_hash(request_id: int, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{request_id}:{code.strip()}".encode(), hashlib.sha256).hexdigest()


def hashes_match(a: str, b: str) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(a, b)
