"""Contribution requests: asking a partner professional, the single-use link, the one-time code,
the page that shows only the request, and what lands where."""

import datetime
import re
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from documents import services
from documents.contributions import SALT
from documents.models import ContributionRequest, Document
from partners.models import PartnerPerson
from tests.cases.factories import ChildFactory, ReferralFactory
from tests.conferences.factories import ConferenceFactory
from tests.documents.samples import exe, pdf
from tests.partners.factories import OrganisationFactory
from tests.strategy.factories import Section47Factory, StrategyDiscussionFactory

LINK = re.compile(r"https?://[^/\s]+(/contribute/[^\s]+/)")
CODE = re.compile(r"Your code is (\d{6})")


def ask_url(child_pk, slug, target_pk):
    return reverse("documents:contribution-request-new", args=[child_pk, slug, target_pk])


def conference_of(child):
    discussion = StrategyDiscussionFactory(referral=ReferralFactory(child=child))
    return ConferenceFactory(section47=Section47Factory(strategy_discussion=discussion))


@pytest.fixture
def gp(db):
    surgery = OrganisationFactory(name="Synthetic Surgery", agency="health")
    return PartnerPerson.objects.create(
        organisation=surgery, name="Dr Ada Test", role="GP", email="ada.gp@example.invalid"
    )


@pytest.fixture
def conference(world):
    return conference_of(world.child)


def ask(world, target, person, *, user=None, due=None, child=None, profession="gp"):
    return services.contribution_request(
        child=child or world.child,
        target=target,
        person=person,
        profession=profession,
        asked="Your report on the child's health and attendance at appointments.",
        due_date=due or timezone.localdate() + timedelta(days=5),
        user=user or world.social_worker,
        link_base="http://testserver/",
    )


def sent_link(django_capture_on_commit_callbacks, world, target, person, **kw):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request = ask(world, target, person, **kw)
    return request, LINK.search(mail.outbox[-1].body).group(1)


def open_link(client, path, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path)
    code = CODE.search(mail.outbox[-1].body).group(1) if mail.outbox else None
    return response, code


def verified(client, path, django_capture_on_commit_callbacks):
    response, code = open_link(client, path, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    response = client.post(reverse("documents:contribute-code"), {"code": code})
    assert response["Location"] == reverse("documents:contribute-answer")
    return client


# --- Asking ------------------------------------------------------------------------------------


def test_request_stores_the_due_date_and_only_the_links_hash(
    world, conference, gp, django_capture_on_commit_callbacks
):
    request, path = sent_link(django_capture_on_commit_callbacks, world, conference, gp)
    request.refresh_from_db()
    token = path.split("/")[2]
    assert request.agency == "health" and request.organisation == gp.organisation
    assert request.due_date == timezone.localdate() + timedelta(days=5)
    assert request.token_hash and token not in request.token_hash
    assert mail.outbox[-1].to == ["ada.gp@example.invalid"]
    # The email names no child.
    assert world.child.first_name not in mail.outbox[-1].body
    assert world.child.last_name not in mail.outbox[-1].body


def test_the_worker_asks_from_the_conference_page(world, conference, gp, login):
    client = login(world.social_worker)
    page = client.get(reverse("conferences:detail", args=[conference.pk]))
    url = reverse(
        "documents:contribution-request-new", args=[world.child.pk, "conference", conference.pk]
    )
    assert url in page.content.decode()
    due = timezone.localdate() + timedelta(days=3)
    response = client.post(
        url,
        {"person": gp.pk, "profession": "gp", "asked": "Your report", "due_date": due.isoformat()},
    )
    assert response.status_code == 302
    assert ContributionRequest.objects.get().due_date == due
    page = client.get(reverse("conferences:detail", args=[conference.pk])).content.decode()
    assert "Contributions from partner agencies" in page
    assert "Dr Ada Test" in page and "asked" in page


def test_business_support_asks_for_a_conference_they_arrange(world, conference, gp, login):
    client = login(world.business_support)
    url = reverse(
        "documents:contribution-request-new", args=[world.child.pk, "conference", conference.pk]
    )
    due = timezone.localdate() + timedelta(days=3)
    response = client.post(
        url,
        {"person": gp.pk, "profession": "gp", "asked": "Your report", "due_date": due.isoformat()},
    )
    assert response.status_code == 302
    assert ContributionRequest.objects.get().requested_by == world.business_support


@pytest.mark.parametrize("persona", ["other_team_worker", "iro", "senior_manager", "administrator"])
def test_others_cannot_ask(world, conference, gp, login, persona):
    client = login(getattr(world, persona))
    url = reverse(
        "documents:contribution-request-new", args=[world.child.pk, "conference", conference.pk]
    )
    assert client.get(url).status_code == 404
    assert not ContributionRequest.objects.exists()


def test_a_restricted_child_is_asked_about_only_by_someone_named_on_it(
    world, conference, gp, login
):
    """Decided: asking is a write on the record; a restricted record is written to only by
    the people named on it, business support included."""
    child = world.child
    child.is_restricted = True
    child.save()
    child.restricted_to.add(world.team_manager)
    url = reverse(
        "documents:contribution-request-new", args=[child.pk, "conference", conference.pk]
    )
    for persona in ("social_worker", "business_support"):
        assert login(getattr(world, persona)).get(url).status_code == 404
    assert login(world.team_manager).get(url).status_code == 200


def test_a_meeting_of_another_child_is_a_404(world, gp, login):
    other = ChildFactory(allocated_team=world.team, allocated_worker=world.social_worker)
    theirs = conference_of(other)
    url = reverse(
        "documents:contribution-request-new", args=[world.child.pk, "conference", theirs.pk]
    )
    assert login(world.social_worker).get(url).status_code == 404


# --- The link ----------------------------------------------------------------------------------


def test_the_link_shows_nothing_before_the_code(
    world, conference, gp, client, django_capture_on_commit_callbacks
):
    _, path = sent_link(django_capture_on_commit_callbacks, world, conference, gp)
    page = client.get(path).content.decode()
    assert world.child.first_name not in page and "Send me the code" in page
    response, code = open_link(client, path, django_capture_on_commit_callbacks)
    assert response["Location"] == reverse("documents:contribute-code")
    assert code is not None and mail.outbox[-1].to == ["ada.gp@example.invalid"]
    # Without the code the request's page is refused.
    assert client.get(reverse("documents:contribute-answer")).status_code == 410
    page = client.get(reverse("documents:contribute-code")).content.decode()
    assert world.child.first_name not in page


def test_a_link_used_twice_is_refused(
    world, conference, gp, client, django_capture_on_commit_callbacks
):
    _, path = sent_link(django_capture_on_commit_callbacks, world, conference, gp)
    open_link(client, path, django_capture_on_commit_callbacks)
    response, code = open_link(client, path, django_capture_on_commit_callbacks)
    assert response.status_code == 410 and code is None
    assert "already been used" in response.content.decode()


def test_an_expired_link_is_refused(
    world, conference, gp, client, django_capture_on_commit_callbacks
):
    request, path = sent_link(django_capture_on_commit_callbacks, world, conference, gp)
    ContributionRequest.objects.filter(pk=request.pk).update(
        link_expires_at=timezone.now() - timedelta(seconds=1)
    )
    response, code = open_link(client, path, django_capture_on_commit_callbacks)
    assert response.status_code == 410 and code is None
    assert "expired" in response.content.decode()


def test_the_link_expiry_is_configurable(world, conference, gp, settings):
    settings.CONTRIBUTION_LINK_DAYS = 3
    request = ask(world, conference, gp)
    assert abs(request.link_expires_at - (timezone.now() + timedelta(days=3))) < timedelta(
        minutes=1
    )


def test_a_tampered_link_is_refused(
    world, conference, gp, client, django_capture_on_commit_callbacks
):
    request, path = sent_link(django_capture_on_commit_callbacks, world, conference, gp)
    token = path.split("/")[2]
    other = ask(world, conference, gp)
    # The same secret, another request's id, signed by someone without the key: refused.
    value = signing.loads(token, salt=SALT)
    forged = [
        signing.dumps([other.pk, value[1]], salt=SALT, key="not the key"),
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        "garbage",
        # Correctly signed but another request's id with this secret: the hash does not match.
        signing.dumps([other.pk, value[1]], salt=SALT),
    ]
    for bad in forged:
        response, code = open_link(
            client, reverse("documents:contribute", args=[bad]), django_capture_on_commit_callbacks
        )
        assert response.status_code == 404 and code is None, bad
    assert ContributionRequest.objects.filter(link_used_at__isnull=False).count() == 0


def test_a_new_link_stops_the_old_one(
    world, conference, gp, client, login, django_capture_on_commit_callbacks
):
    request, path = sent_link(django_capture_on_commit_callbacks, world, conference, gp)
    staff = login(world.social_worker)
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(reverse("documents:contribution-new-link", args=[world.child.pk, request.pk]))
    new_path = LINK.search(mail.outbox[-1].body).group(1)
    staff.logout()
    assert open_link(client, path, django_capture_on_commit_callbacks)[0].status_code == 404
    assert open_link(client, new_path, django_capture_on_commit_callbacks)[0].status_code == 302


# --- The code ----------------------------------------------------------------------------------


def test_a_wrong_code_is_refused_and_counted(
    world, conference, gp, client, django_capture_on_commit_callbacks
):
    request, path = sent_link(django_capture_on_commit_callbacks, world, conference, gp)
    _, code = open_link(client, path, django_capture_on_commit_callbacks)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    response = client.post(reverse("documents:contribute-code"), {"code": wrong})
    assert response.status_code == 200
    assert "not right" in response.content.decode()
    request.refresh_from_db()
    assert request.code_attempts == 1 and request.verified_at is None
    assert code not in request.code_hash  # only a keyed hash is stored


def test_the_attempt_limit_locks_the_request(
    world, conference, gp, client, settings, django_capture_on_commit_callbacks
):
    settings.CONTRIBUTION_CODE_MAX_ATTEMPTS = 3
    request, path = sent_link(django_capture_on_commit_callbacks, world, conference, gp)
    _, code = open_link(client, path, django_capture_on_commit_callbacks)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(2):
        assert client.post(reverse("documents:contribute-code"), {"code": wrong}).status_code == 200
    assert client.post(reverse("documents:contribute-code"), {"code": wrong}).status_code == 410
    request.refresh_from_db()
    assert request.locked_at is not None and not request.code_hash
    # The right code is refused now, and the page shows nothing.
    assert client.post(reverse("documents:contribute-code"), {"code": code}).status_code == 404
    assert (
        client.get(reverse("documents:contribute-answer")).status_code == 404
    )  # the session is gone


def test_an_expired_code_is_refused(
    world, conference, gp, client, django_capture_on_commit_callbacks
):
    request, path = sent_link(django_capture_on_commit_callbacks, world, conference, gp)
    _, code = open_link(client, path, django_capture_on_commit_callbacks)
    ContributionRequest.objects.filter(pk=request.pk).update(
        code_expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert client.post(reverse("documents:contribute-code"), {"code": code}).status_code == 410


def test_the_code_works_only_in_the_browser_that_used_the_link(
    world, conference, gp, client, django_capture_on_commit_callbacks
):
    from django.test import Client

    _, path = sent_link(django_capture_on_commit_callbacks, world, conference, gp)
    _, code = open_link(client, path, django_capture_on_commit_callbacks)
    other = Client()
    assert other.post(reverse("documents:contribute-code"), {"code": code}).status_code == 404


# --- The page and the contribution -----------------------------------------------------------


def test_the_page_shows_only_the_request(
    world, conference, gp, client, django_capture_on_commit_callbacks
):
    child = world.child
    child.upn = ""
    # Something else on the record, and another request for another child, never shown.
    other_child = ChildFactory(allocated_team=world.team, allocated_worker=world.social_worker)
    ask(world, conference_of(other_child), gp, child=other_child)
    _, path = sent_link(django_capture_on_commit_callbacks, world, conference, gp)
    verified(client, path, django_capture_on_commit_callbacks)
    page = client.get(reverse("documents:contribute-answer")).content.decode()
    assert child.first_name in page and child.last_name in page
    assert f"{child.date_of_birth.day} " in page
    assert "Conference" in page and "Your report on the child" in page
    assert other_child.first_name not in page and other_child.last_name not in page
    for private in (child.la_child_id, child.nhs_number, world.social_worker.last_name):
        if private:
            assert private not in page, private
    assert "navbar-nav" not in page  # no navigation into the site


def test_a_contribution_lands_on_the_event_and_tells_the_requester(
    world, conference, gp, client, login, django_capture_on_commit_callbacks
):
    world.social_worker.email = "sw@example.invalid"
    world.social_worker.save()
    request, path = sent_link(django_capture_on_commit_callbacks, world, conference, gp)
    verified(client, path, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("documents:contribute-answer"),
            {
                "text": "Seen at the surgery twice this year.",
                "file": SimpleUploadedFile("report.pdf", pdf(), content_type="application/pdf"),
            },
        )
    assert response.status_code == 200 and "Thank you" in response.content.decode()
    request.refresh_from_db()
    assert request.received_at is not None and request.in_time is True
    documents = list(Document.objects.filter(child=world.child))
    assert len(documents) == 2
    assert {d.event for d in documents} == {conference}
    assert all(d.agency == "health" and d.author == "Dr Ada Test" for d in documents)
    assert set(request.documents.all()) == set(documents)
    assert {d.versions.get().content_type for d in documents} == {"application/pdf", "text/plain"}
    assert mail.outbox[-1].to == ["sw@example.invalid"]
    # Spent: the page shows nothing now, the link neither.
    assert (
        client.get(reverse("documents:contribute-answer")).status_code == 404
    )  # the session is gone
    assert open_link(client, path, django_capture_on_commit_callbacks)[0].status_code in (404, 410)
    staff = login(world.social_worker)
    page = staff.get(reverse("conferences:detail", args=[conference.pk])).content.decode()
    assert "received" in page


def test_a_bad_file_is_refused_through_the_document_rules(
    world, conference, gp, client, django_capture_on_commit_callbacks
):
    request, path = sent_link(django_capture_on_commit_callbacks, world, conference, gp)
    verified(client, path, django_capture_on_commit_callbacks)
    response = client.post(
        reverse("documents:contribute-answer"),
        {"file": SimpleUploadedFile("report.pdf", exe(), content_type="application/pdf")},
    )
    assert response.status_code == 200 and "error-summary" in response.content.decode()
    request.refresh_from_db()
    assert request.received_at is None and not Document.objects.exists()


def test_an_empty_contribution_is_refused(
    world, conference, gp, client, django_capture_on_commit_callbacks
):
    _, path = sent_link(django_capture_on_commit_callbacks, world, conference, gp)
    verified(client, path, django_capture_on_commit_callbacks)
    response = client.post(reverse("documents:contribute-answer"), {"text": "  "})
    assert "Write your contribution" in response.content.decode()
    assert not Document.objects.exists()


def test_a_late_contribution_is_stored_as_late(world, conference, gp):
    request = ask(world, conference, gp, due=timezone.localdate())
    ContributionRequest.objects.filter(pk=request.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=2), verified_at=timezone.now()
    )
    request.refresh_from_db()
    assert request.status() == "Late"
    services.contribution_submit(request=request, text="Late but here.", stream=None, via="portal")
    request.refresh_from_db()
    assert request.in_time is False and request.status() == "Received late"


def test_the_due_date_cannot_be_after_an_upcoming_meeting(world, gp):
    from django.core.exceptions import ValidationError

    discussion = StrategyDiscussionFactory(
        referral=ReferralFactory(child=world.child),
        held_at=timezone.now() + timedelta(days=2),
    )
    with pytest.raises(ValidationError, match="on or before the meeting"):
        ask(world, discussion, gp, due=timezone.localdate() + timedelta(days=9))


def test_the_event_page_counts_per_agency(world, conference, gp, login):
    police = PartnerPerson.objects.create(
        organisation=OrganisationFactory(name="Synthetic Police", agency="police"),
        name="PC Bo Test",
        email="bo@example.invalid",
    )
    ask(world, conference, gp)
    late = services.contribution_request(
        child=world.child,
        target=conference,
        person=police,
        profession="police_officer",
        asked="Police checks",
        due_date=timezone.localdate(),
        user=world.social_worker,
        link_base="http://testserver/",
    )
    ContributionRequest.objects.filter(pk=late.pk).update(
        due_date=timezone.localdate() - timedelta(days=1)
    )
    page = login(world.social_worker).get(reverse("conferences:detail", args=[conference.pk]))
    html = re.sub(r"\s+", " ", page.content.decode())
    assert re.search(r"Health</th><td>1</td><td>0</td><td>0</td>", html)
    assert re.search(r'Police</th><td>1</td><td>0</td><td><span class="status-overdue">1', html)


# --- The portal's own sweep of bad input (its pages need the session a used link opens) -------

BAD = ["", "abc", "a\x00b", "x" * 10_000, "12345", "1234567", "-12345", "99999999999999999999"]


@pytest.mark.parametrize("value", BAD)
def test_portal_bad_input_in_the_code_is_a_message(
    world, conference, gp, client, value, django_capture_on_commit_callbacks
):
    _, path = sent_link(django_capture_on_commit_callbacks, world, conference, gp)
    open_link(client, path, django_capture_on_commit_callbacks)
    response = client.post(reverse("documents:contribute-code"), {"code": value})
    assert response.status_code == 200 and "error-summary" in response.content.decode()
    # Not counted as a try: only a well-formed wrong code is.
    assert ContributionRequest.objects.get(email=gp.email).code_attempts == 0


@pytest.mark.parametrize("value", ["a\x00b", "x" * 60_000])
def test_portal_bad_input_in_the_answer_is_a_message(
    world, conference, gp, client, value, django_capture_on_commit_callbacks
):
    _, path = sent_link(django_capture_on_commit_callbacks, world, conference, gp)
    verified(client, path, django_capture_on_commit_callbacks)
    response = client.post(reverse("documents:contribute-answer"), {"text": value})
    assert response.status_code == 200 and "error-summary" in response.content.decode()
    assert not Document.objects.exists()


def test_showing_the_request_to_the_professional_is_audited(
    world, conference, gp, client, django_capture_on_commit_callbacks
):
    from auditlog.models import LogEntry

    _, path = sent_link(django_capture_on_commit_callbacks, world, conference, gp)
    verified(client, path, django_capture_on_commit_callbacks)
    client.get(reverse("documents:contribute-answer"))
    entry = LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, object_pk=str(world.child.pk)
    ).get()
    assert "ada.gp@example.invalid" in entry.additional_data["what"]


# --- Withdrawing ---------------------------------------------------------------------------------


def withdraw_url(child_pk, request_pk):
    return reverse("documents:contribution-withdraw", args=[child_pk, request_pk])


def test_the_team_withdraws_a_request_with_a_reason_and_the_link_is_refused(
    world, conference, gp, client, login, django_capture_on_commit_callbacks
):
    from auditlog.models import LogEntry

    request, path = sent_link(django_capture_on_commit_callbacks, world, conference, gp)
    staff = login(world.same_team_worker)
    url = withdraw_url(world.child.pk, request.pk)
    assert (
        url
        in staff.get(
            reverse("documents:contribution-requests", args=[world.child.pk])
        ).content.decode()
    )
    page = staff.get(url)
    assert page.status_code == 200
    seen = page.context["form"].initial["seen"]
    refused = staff.post(url, {"reason": "  ", "seen": seen})
    assert (
        refused.status_code == 200
        and "Say why the request is withdrawn" in refused.content.decode()
    )
    response = staff.post(url, {"reason": "The conference was cancelled.", "seen": seen})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.cancelled_at is not None and request.cancelled_by == world.same_team_worker
    assert request.cancel_reason == "The conference was cancelled."
    assert request.status() == "Withdrawn"
    entry = (
        LogEntry.objects.get_for_object(request)
        .filter(action=LogEntry.Action.UPDATE, changes__has_key="cancel_reason")
        .get()
    )
    assert entry.actor == world.same_team_worker
    # The link: refused, saying so.
    opened = client.get(path)
    assert opened.status_code == 410 and "withdrawn" in opened.content.decode()
    worker = login(world.social_worker)
    panel_page = worker.get(reverse("conferences:detail", args=[conference.pk]))
    assert panel_page.status_code == 200, panel_page.status_code
    panel = panel_page.content.decode()
    assert "Dr Ada Test" in panel, panel[panel.find("Contributions from") :][:1500]
    assert ": withdrawn on " in panel
    listing = worker.get(reverse("documents:contribution-requests", args=[world.child.pk]))
    assert "The conference was cancelled." in listing.content.decode()
    # Twice: refused with a message.
    again = worker.post(url, {"reason": "Again.", "seen": seen})
    assert (
        again.status_code == 200 and "already been answered or withdrawn" in again.content.decode()
    )


def test_a_withdrawal_from_a_stale_page_is_refused(
    world, conference, gp, login, django_capture_on_commit_callbacks
):
    request, _ = sent_link(django_capture_on_commit_callbacks, world, conference, gp)
    staff = login(world.social_worker)
    url = withdraw_url(world.child.pk, request.pk)
    seen = staff.get(url).context["form"].initial["seen"]
    services.contribution_new_link(
        request=request, user=world.social_worker, link_base="http://testserver/"
    )
    response = staff.post(url, {"reason": "No longer needed.", "seen": seen})
    assert response.status_code == 200 and "changed since you opened" in response.content.decode()
    request.refresh_from_db()
    assert request.cancelled_at is None


def test_the_business_support_requester_may_withdraw_their_own_request(
    world, conference, gp, login
):
    request = ask(world, conference, gp, user=world.business_support)
    client = login(world.business_support)
    url = withdraw_url(world.child.pk, request.pk)
    seen = client.get(url).context["form"].initial["seen"]
    assert client.post(url, {"reason": "Sent twice.", "seen": seen}).status_code == 302
    request.refresh_from_db()
    assert request.cancelled_by == world.business_support


@pytest.mark.parametrize(
    "persona", ["other_team_worker", "iro", "senior_manager", "administrator", "business_support"]
)
def test_outside_the_childs_team_withdrawing_is_a_404(world, conference, gp, login, persona):
    request = ask(world, conference, gp)
    client = login(getattr(world, persona))
    url = withdraw_url(world.child.pk, request.pk)
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "x", "seen": request.stamp}).status_code == 404
    request.refresh_from_db()
    assert request.cancelled_at is None


def test_a_withdrawn_request_is_not_chased_and_leaves_the_api(world, conference, gp):
    from monitoring.models import Alert, AlertStatus
    from monitoring.services import timescales_scan
    from partners.models import Scope
    from tests.partners.test_api import api

    today = timezone.localdate()
    request = ask(world, conference, gp, due=today)
    timescales_scan(as_of=today + timedelta(days=1))
    alert = Alert.objects.get(rule="CONTRIBUTION_LATE")
    http, _ = api([Scope.CONTRIBUTIONS], organisation=gp.organisation)
    assert [r["id"] for r in http.get("/api/v1/contribution-requests/").json()] == [request.pk]
    services.contribution_withdraw(
        request=request, user=world.social_worker, reason="Cancelled.", seen=request.stamp
    )
    assert http.get("/api/v1/contribution-requests/").json() == []
    submit = http.post(
        f"/api/v1/contribution-requests/{request.pk}/contribution/", {"text": "x"}, format="json"
    )
    assert submit.status_code in (404, 410)
    timescales_scan(as_of=today + timedelta(days=1))
    alert.refresh_from_db()
    assert alert.status == AlertStatus.RESOLVED
    timescales_scan(as_of=today + timedelta(days=3))
    assert not Alert.objects.filter(rule="CONTRIBUTION_LATE").exclude(status=AlertStatus.RESOLVED)
