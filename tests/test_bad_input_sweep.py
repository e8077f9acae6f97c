"""Every form that takes a POST, fed bad input: the answer is never a 500.

House standard: bad input gets a clear message on the form, never a 500 and never silent loss.
For every named URL that accepts POST, a persona allowed to write there opens the page, the
form's fields are read from the HTML, and each kind of bad input is posted on top of the values
the form was showing (so that one kind at a time reaches the model and the database):
empty, garbage in every field, NUL bytes, impossible, far-future and far-past dates, negative and
out-of-range numbers, 10,000 characters of text, values that are not among a select's choices,
and the ids of another child's records. Each POST runs in a savepoint that is rolled back, so
every kind starts from the same scene. Run it on PostgreSQL too: it refuses NUL bytes, overlong
varchar values and out-of-range integers that SQLite stores.
"""

import datetime
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.contrib.messages import ERROR, get_messages
from django.db import transaction
from django.urls import reverse

from tests.cases.factories import (
    CaseNoteFactory,
    ChildFactory,
    FamilyMemberFactory,
    MissingEpisodeFactory,
    ProfessionalFactory,
    ReferralFactory,
    ServiceReferralFactory,
    VisitFactory,
)
from tests.test_permission_matrix import URL_NAMES, _url, scene  # noqa: F401 - scene: fixture

# Who posts to each URL that accepts POST: someone allowed to write there (see RULES in
# tests/test_permission_matrix.py). "iro" chairs the scene's conferences. For a POST-only action
# the form is read from the page that shows it.
WRITERS: dict[str, str] = {
    "accounts:login": "anonymous",
    "accounts:logout": "social_worker",
    "accounts:password-change": "social_worker",
    "accounts:otp-setup": "no_device",
    "accounts:otp-verify": "unverified",
    "cases:child-create": "social_worker",
    "cases:child-edit": "social_worker",
    "cases:child-restriction": "team_manager",
    "cases:allocation": "team_manager",
    "cases:family-add": "social_worker",
    "cases:family-edit": "social_worker",
    "cases:household-move": "social_worker",
    "cases:involvement-edit": "social_worker",
    "cases:person-names-edit": "social_worker",
    "cases:relationship-edit": "social_worker",
    "cases:professional-add": "social_worker",
    "cases:professional-edit": "social_worker",
    "cases:referral-add": "social_worker",
    "cases:referral-edit": "social_worker",
    "cases:referral-decide": "team_manager",
    "cases:referral-close": "social_worker",
    "cases:assessment-add": "social_worker",
    "cases:assessment-edit": "social_worker",
    "cases:assessment-authorise": "team_manager",
    "cases:visit-add": "social_worker",
    "cases:visit-edit": "social_worker",
    "cases:missing-add": "social_worker",
    "cases:missing-edit": "social_worker",
    "cases:child-birth": "social_worker",
    "cases:note-add": "social_worker",
    "cases:note-correct": "social_worker",
    "cases:chronology-describe": "social_worker",
    "cases:chronology-add": "social_worker",
    "cases:chronology-entry-edit": "social_worker",
    "cases:oversight-add": "team_manager",
    "cases:service-add": "social_worker",
    "cases:service-edit": "social_worker",
    "cases:cin-plan-add": "social_worker",
    "cases:cin-plan-edit": "social_worker",
    "cases:cin-plan-end": "social_worker",
    "strategy:discussion-add": "social_worker",
    "strategy:discussion-edit": "social_worker",
    "strategy:section47-edit": "social_worker",
    "strategy:section47-agree": "team_manager",
    "conferences:icpc-request": "social_worker",
    "conferences:schedule": "business_support",
    "conferences:cancel": "business_support",
    "conferences:group": "business_support",
    "conferences:group-remove": "business_support",
    "conferences:letters": "business_support",
    "documents:upload": "social_worker",
    "documents:new-version": "social_worker",
    "documents:share": "social_worker",
    "documents:remove": "social_worker",
    "documents:retention": "records_officer",
    "documents:contribution-request-new": "business_support",
    "documents:contribution-new-link": "social_worker",
    "documents:contribution-withdraw": "social_worker",
    "documents:contribute": "anonymous",
    "conferences:participants": "business_support",
    "conferences:outcome": "iro",
    "conferences:minutes-approve": "iro",
    "conferences:minutes-distribute": "business_support",
    "conferences:feedback": "business_support",
    "conferences:feedback-public": "anonymous",
    "conferences:plan-edit": "iro",
    "conferences:family-plan-words": "iro",
    "conferences:outcome-add": "iro",
    "conferences:outcome-edit": "iro",
    "conferences:action-add": "iro",
    "conferences:action-edit": "iro",
    "conferences:core-group-add": "iro",
    "cases:previous-plan-add": "social_worker",
    "cases:previous-plan-edit": "social_worker",
    "cases:protective-order-add": "social_worker",
    "familyhelp:assessment-add": "social_worker",
    "familyhelp:assessment-edit": "social_worker",
    "familyhelp:plan-add": "social_worker",
    "familyhelp:plan-edit": "social_worker",
    "familyhelp:review-add": "social_worker",
    "familyhelp:step-up": "social_worker",
    "familyhelp:step-down": "team_manager",
    "familyhelp:step-down-accept": "team_manager",
    "familyhelp:request-accept": "team_manager",
    "familyhelp:step-up-accept": "team_manager",
    "cases:protective-order-edit": "social_worker",
    "strategy:section47-icpc-before-seen": "team_manager",
    "conferences:interim-plan-agree": "team_manager",
    "conferences:plan-end": "social_worker",
    "conferences:transfer-in": "social_worker",
    "conferences:transfer-out": "social_worker",
    "monitoring:acknowledge": "social_worker",
    # "Known to us?": a worker outside the child's team opens the record with a reason.
    "cases:open-with-reason": "other_team_worker",
    "people:merge": "team_manager",
    "people:merge-reverse": "team_manager",
    "frontdoor:contact-add": "social_worker",
    "frontdoor:contact-decide": "team_manager",
    "frontdoor:contact-acknowledge": "social_worker",
    "frontdoor:contact-outcome": "social_worker",
    "frontdoor:check-add": "social_worker",
    "frontdoor:check-respond": "social_worker",
}

# The page that shows the form of a POST-only action.
FORM_PAGE = {
    "accounts:logout": "home",
    "cases:chronology-describe": "cases:chronology",
    "strategy:section47-agree": "strategy:section47-detail",
    "conferences:icpc-request": "strategy:section47-detail",
    # Its form is shown only while another child could join (the scene's child has none).
    "conferences:group": "conferences:group",
    # Its forms are one per document due for review (the scene has none due).
    "documents:retention": "documents:retention",
    "documents:contribution-new-link": "documents:contribution-requests",
    "conferences:minutes-approve": "conferences:detail",
    "conferences:group-remove": "conferences:group",
    "conferences:minutes-distribute": "conferences:detail",
    "monitoring:acknowledge": "monitoring:my-tasks",
    "strategy:section47-icpc-before-seen": "strategy:section47-detail",
    "conferences:interim-plan-agree": "conferences:detail",
    "people:merge-reverse": "people:merge-detail",
}

# Pages that would answer a POST as they answer a GET, ignoring what is posted. None: pages that
# only show things answer 405 to a POST (require_safe), which the test below holds them to.
# The partner API answers a POST without a key with a 401 problem (tests/partners/test_api.py
# sweeps its bad input: invalid NHS numbers, a missing reason).
# The contribution portal's code and answer pages need the session a used link opens: their bad
# input is swept in tests/documents/test_contributions.py (test_portal_bad_input_*); the API's
# contribution endpoints in tests/partners/test_contributions_api.py.
IGNORES_POST: set[str] = {
    "api:v1-plan-status",
    "api:v1-contribution-requests",
    "api:v1-contribution-submit",
    "documents:contribute-code",
    "documents:contribute-answer",
}

LONG_TEXT = "x" * 10_000
NUL = "a\x00b"
TAMPERED = "a hidden field altered"
CSRF = "csrfmiddlewaretoken"
ERROR_MARKS = re.compile(
    r"is-invalid|invalid-feedback|alert-danger|errorlist|alert-warning|error-summary"
)


@dataclass
class Field:
    name: str
    kind: str  # date, datetime, number, text, select, check, hidden, other
    value: str | None  # what the form shows; None for an unticked box
    options: list[str] = field(default_factory=list)


class _FormParser(HTMLParser):
    """The POST forms of a page: their action and fields, with the values they show."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: Field | None = None
        self._selected: str | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action") or "", "fields": [], "post": False}
            self._form["post"] = (a.get("method") or "get").lower() == "post"
            self.forms.append(self._form)
        if self._form is None or not a.get("name"):
            if tag == "option" and self._select is not None:
                self._option(a)
            return
        name = a["name"]
        if tag == "input":
            kind = {
                "date": "date",
                "datetime-local": "datetime",
                "number": "number",
                "checkbox": "check",
                "radio": "radio",
                "hidden": "hidden",
                "submit": "submit",
                "button": "submit",
            }.get((a.get("type") or "text").lower(), "text")
            value = a.get("value", "")
            if kind in ("check", "radio"):
                existing = next(
                    (f for f in self._form["fields"] if f.name == name and f.kind == kind), None
                )
                if existing is None:
                    existing = Field(name, kind, None)
                    self._form["fields"].append(existing)
                existing.options.append(value or "on")
                if "checked" in a:
                    existing.value = value or "on"
                return
            self._form["fields"].append(Field(name, kind, value))
        elif tag == "select":
            kind = "multi" if "multiple" in a else "select"
            self._select = Field(name, kind, None)
            self._form["fields"].append(self._select)
        elif tag == "textarea":
            self._textarea = Field(name, "text", "")
            self._form["fields"].append(self._textarea)
        elif tag == "button" and (a.get("type") or "submit") == "submit":
            self._form["fields"].append(Field(name, "submit", a.get("value", "")))

    def _option(self, a):
        value = a.get("value", "")
        self._select.options.append(value)
        # The selected option, or else the first (what a browser submits).
        if "selected" in a or len(self._select.options) == 1:
            self._select.value = value

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def post_forms(html: str, url: str) -> list[list[Field]]:
    parser = _FormParser()
    parser.feed(html)
    return [f["fields"] for f in parser.forms if f["post"] and f["action"] in ("", url)]


@pytest.fixture
def other_child(world):
    """A second child, in another team, with records of their own."""
    child = ChildFactory(allocated_team=world.other_team, allocated_worker=world.other_team_worker)
    referral = ReferralFactory(child=child)
    return {
        "child": child.pk,
        "member": FamilyMemberFactory(child=child, relationship="mother").pk,
        "professional": ProfessionalFactory(child=child).pk,
        "referral": referral.pk,
        "visit": VisitFactory(child=child).pk,
        "episode": MissingEpisodeFactory(child=child).pk,
        "note": CaseNoteFactory(child=child, author=world.other_team_worker).pk,
        "service": ServiceReferralFactory(child=child).pk,
    }


def _sign_in(world, login, client, persona: str):
    if persona == "no_device":  # signed in with a password, no authenticator set up yet
        client.logout()
        client.force_login(world.same_team_worker)
        return client
    if persona == "unverified":  # a device set up, the code not yet entered
        from django_otp.plugins.otp_totp.models import TOTPDevice

        client.logout()
        TOTPDevice.objects.create(user=world.social_worker, name="Phone", confirmed=True)
        client.force_login(world.social_worker)
        return client
    if persona == "records_officer":  # a senior manager given the retention permission
        from django.contrib.auth.models import Permission

        world.senior_manager.user_permissions.add(
            Permission.objects.get(codename="review_retention")
        )
        return login(world.senior_manager)
    return login(world.persona(persona))


def _target(name: str, world, scene) -> str:  # noqa: F811
    if name == "cases:referral-add":
        # The scene's child has an open episode; a child without one can be referred.
        child = ChildFactory(allocated_team=world.team, allocated_worker=world.social_worker)
        return reverse(name, kwargs={"pk": child.pk})
    if name == "cases:child-birth":
        # The scene's child is born: an unborn child's record has the form to sweep.
        child = ChildFactory(
            allocated_team=world.team,
            allocated_worker=world.social_worker,
            date_of_birth=None,
            expected_date_of_birth=datetime.date(2026, 12, 20),
            sex="U",
        )
        return reverse(name, kwargs={"pk": child.pk})
    if name == "cases:referral-decide":
        child = ChildFactory(allocated_team=world.team, allocated_worker=world.social_worker)
        referral = ReferralFactory(child=child)
        return reverse(name, kwargs={"pk": child.pk, "referral_id": referral.pk})
    return _url(name, scene)


def _filled(fields: list[Field]) -> dict:
    """What the form shows, with an empty box given an ordinary value, so that the one kind of
    bad input under test is what the form has to deal with."""
    today = datetime.date.today()
    data: dict = {}
    for f in fields:
        value = f.value
        if f.kind in ("check", "radio", "multi"):
            if value is not None:
                data[f.name] = value
            elif f.kind == "radio" and f.options:
                data[f.name] = f.options[0]
            continue
        if not value:
            value = {
                "date": today.isoformat(),
                "datetime": f"{today.isoformat()}T10:00",
                "number": "1",
                "text": "Synthetic test text",
                "select": next((o for o in f.options if o), ""),
            }.get(f.kind, value or "")
        data[f.name] = value
    return data


def _kinds(fields: list[Field], other: dict) -> dict[str, dict]:
    base = _filled(fields)
    by_kind = {k: [f for f in fields if f.kind == k] for k in ("date", "datetime", "number")}
    texts = [f for f in fields if f.kind == "text"]
    selects = [f for f in fields if f.kind in ("select", "multi", "radio", "check")]
    numbers = by_kind["number"]

    def with_(**values_by_group):
        data = dict(base)
        for group, value in values_by_group.items():
            for f in {
                "dates": by_kind["date"],
                "datetimes": by_kind["datetime"],
                "numbers": numbers,
                "texts": texts,
                "selects": selects,
            }[group]:
                data[f.name] = value
        return data

    other_ids = sorted(set(other.values()))
    visible = [f for f in fields if f.kind not in ("hidden", "submit")]
    garbage = {
        f.name: {
            "date": "not-a-date",
            "datetime": "not-a-date",
            "number": "abc",
            "text": LONG_TEXT,
        }.get(f.kind, "not-a-choice")
        for f in visible
    }
    kinds = {
        "garbage everywhere": {**base, **garbage},
        "NUL byte everywhere": {**base, **{f.name: NUL for f in visible}},
        "NUL byte in text": with_(texts=NUL),
        "10,000 characters of text": with_(texts=LONG_TEXT),
        "not a date": with_(dates="not-a-date", datetimes="not-a-date"),
        "30 February": with_(dates="2026-02-30", datetimes="2026-02-30T10:00"),
        "year 9999": with_(dates="9999-12-31", datetimes="9999-12-31T23:59"),
        "year 1": with_(dates="0001-01-01", datetimes="0001-01-01T00:00"),
        "abc for a number": with_(numbers="abc"),
        "negative number": with_(numbers="-1"),
        "out-of-range number": with_(numbers="99999999999999999999"),
        "not one of the choices": with_(selects="not-a-choice"),
    }
    # Another child's records, in every field that is a choice of records.
    record_choices = [f for f in selects if any(o.isdigit() for o in f.options)]
    for n, record_id in enumerate(other_ids):
        data = dict(base)
        for f in record_choices:
            if str(record_id) not in f.options:
                data[f.name] = str(record_id)
        kinds[f"another child's record #{n}"] = data
    kinds = {k: v for k, v in kinds.items() if v != base}
    # What a browser sends with nothing filled in, and a hidden field (the record's version)
    # altered: the second is no user's mistake, so only the absence of a 500 is asserted.
    kinds["empty"] = {f.name: "" for f in fields if f.kind not in ("check", "radio", "multi")}
    for value in ("99999999999999999999", NUL):
        hidden = {f.name: value for f in fields if f.kind == "hidden" and f.name != CSRF}
        if hidden:
            kinds[f"{TAMPERED}: {value!r}"] = {**base, **hidden}
    # The button pressed, and the CSRF token, as a browser sends them.
    kept = {f.name: f.value for f in fields if f.kind == "submit" or f.name == CSRF}
    return {k: {**v, **kept} for k, v in kinds.items()}


def _shows_an_error(response, url: str) -> bool:
    """Whether the answer is a refusal the user can read, or plainly not a refusal."""
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return True  # a redirect: accepted, or refused with a message on the next page
    html = response.content.decode()
    if not post_forms(html, url):
        return True  # accepted: a page saying so, not the form again
    if "data-confirmation" in html:
        return True  # asked to confirm first (an irreversible step): nothing lost
    return bool(ERROR_MARKS.search(html))


def test_every_url_that_accepts_post_is_swept(world, scene, login):  # noqa: F811
    """A view that answers a POST other than with 405 must be in WRITERS (or IGNORES_POST)."""
    answering = set()
    for name in URL_NAMES:
        client = login(world.social_worker)
        if client.post(_url(name, scene), {}).status_code != 405:
            answering.add(name)
    # Without the right persona some answer 404 first; those are writers' pages all the same.
    assert answering <= set(WRITERS) | IGNORES_POST, sorted(answering - set(WRITERS))
    assert not set(WRITERS) & IGNORES_POST


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_bad_input_never_gives_a_500(world, scene, other_child, login, client, name):  # noqa: F811
    url = _target(name, world, scene)
    client = _sign_in(world, login, client, WRITERS[name])
    page = _url(FORM_PAGE[name], scene) if name in FORM_PAGE else url
    response = client.get(page, follow=True)
    assert response.status_code == 200, f"{page}: {response.status_code}"
    forms = post_forms(response.content.decode(), url) or [[]]

    failures = []
    for n, fields in enumerate(forms[:3]):
        for kind, data in _kinds(fields, other_child).items():
            if "_auth_user_id" not in client.session and WRITERS[name] != "anonymous":
                client = _sign_in(world, login, client, WRITERS[name])
            label = f"form {n}, {kind}"
            try:
                with transaction.atomic():
                    response = client.post(url, data)
                    # Messages are read before the rollback: they live in the session.
                    messages = list(get_messages(response.wsgi_request))
                    transaction.set_rollback(True)
            except Exception as error:  # noqa: BLE001 - each failure is reported below
                failures.append(f"{label}: {type(error).__name__}: {str(error)[:200]}")
                continue
            if response.status_code >= 500:
                failures.append(f"{label}: {response.status_code}")
            elif kind.startswith(TAMPERED):
                continue
            elif not _shows_an_error(response, url) and not messages:
                failures.append(f"{label}: {response.status_code} with no message shown")
            elif (
                kind.startswith("another child's")
                and response.status_code in (302, 303)
                and not any(m.level >= ERROR for m in messages)
            ):
                failures.append(f"{label}: accepted ({response.status_code})")
    assert not failures, f"{name} ({url}):\n" + "\n".join(failures)
