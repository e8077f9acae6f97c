"""The partner agencies' API: is this child subject to a child protection plan?"""

import datetime

import pytest
import yaml
from auditlog.models import LogEntry
from django.urls import reverse
from rest_framework.test import APIClient

from partners.admin import issue_key, revoke_client
from partners.models import Scope
from tests.cases.factories import ChildFactory
from tests.conferences.factories import PlanFactory
from tests.partners.factories import ClientFactory

URL = "/api/v1/plan-status/"
REASON = "Unscheduled care: emergency department attendance"


def nhs(stem: str) -> str:
    """A valid NHS number from nine digits (the check digit worked out)."""
    total = sum(int(d) * w for d, w in zip(stem, range(10, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    assert check != 10, "pick another stem"
    return stem + str(check)


ON_PLAN = nhs("943476591")
NO_PLAN = nhs("943476587")
UNKNOWN = nhs("401023213")


@pytest.fixture
def on_plan(world):
    world.team.contact_phone = "0151 111 2222"
    world.team.contact_email = "team-a@example.invalid"
    world.team.save()
    child = world.child
    child.nhs_number = ON_PLAN
    child.save()
    PlanFactory(child=child, start_date=datetime.date(2026, 6, 1), initial_category="SAB")
    return child


def api(scopes=(Scope.PLAN_STATUS,), **fields):
    client = ClientFactory(scopes=list(scopes), **fields)
    key = issue_key(client)
    http = APIClient()
    http.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return http, client


def ask(http, nhs_number, reason=REASON):
    return http.post(URL, {"nhs_number": nhs_number, "reason": reason}, format="json")


def assert_problem(response, status):
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["title"] and body["detail"]
    assert body["instance"] == URL
    return body


def test_a_child_on_a_plan_answers_yes_since_when_and_the_team_never_the_category(world, on_plan):
    http, _ = api()
    response = ask(http, ON_PLAN)
    assert response.status_code == 200
    body = response.json()
    assert body["subject_to_plan"] is True
    assert body["plan_start_date"] == "2026-06-01"
    assert body["contact"] == {
        "kind": "allocated_team",
        "name": "Team A",
        "phone": "0151 111 2222",
        "email": "team-a@example.invalid",
    }
    assert set(body) == {
        "nhs_number",
        "subject_to_plan",
        "plan_start_date",
        "contact",
        "checked_at",
    }
    text = response.content.decode()
    for private in ("SAB", "NEG", "category", on_plan.first_name, on_plan.last_name):
        assert private not in text


def test_spaces_in_the_nhs_number_are_allowed(world, on_plan):
    http, _ = api()
    spaced = f"{ON_PLAN[:3]} {ON_PLAN[3:6]} {ON_PLAN[6:]}"
    assert ask(http, spaced).json()["subject_to_plan"] is True


def test_an_ended_plan_answers_no(world):
    child = ChildFactory(nhs_number=NO_PLAN, allocated_team=world.team)
    PlanFactory(
        child=child,
        start_date=datetime.date(2025, 1, 6),
        end_date=datetime.date(2025, 7, 1),
        end_next_step="cin",
    )
    http, _ = api()
    body = ask(http, NO_PLAN).json()
    assert body["subject_to_plan"] is False
    assert body["plan_start_date"] is None
    assert body["contact"]["kind"] == "duty"


def test_a_child_on_no_plan_and_an_unknown_child_answer_the_same(world, settings):
    ChildFactory(nhs_number=NO_PLAN, allocated_team=world.team)
    http, _ = api()
    known = ask(http, NO_PLAN).json()
    unknown = ask(http, UNKNOWN).json()
    for body in (known, unknown):
        body.pop("checked_at")
        body.pop("nhs_number")
    assert (
        known
        == unknown
        == {
            "subject_to_plan": False,
            "plan_start_date": None,
            "contact": {"kind": "duty", **settings.AUTHORITY_DUTY_CONTACT},
        }
    )


def test_a_restricted_child_answers_yes_and_the_duty_contact_without_the_scope(world, on_plan):
    on_plan.is_restricted = True
    on_plan.save()
    http, _ = api()
    body = ask(http, ON_PLAN).json()
    assert body["subject_to_plan"] is True
    assert body["plan_start_date"] is None
    assert body["contact"]["kind"] == "duty"
    assert "Team A" not in str(body)


def test_a_restricted_child_answers_in_full_with_the_scope(world, on_plan):
    on_plan.is_restricted = True
    on_plan.save()
    http, _ = api(scopes=[Scope.PLAN_STATUS, Scope.RESTRICTED_RECORDS])
    body = ask(http, ON_PLAN).json()
    assert body["plan_start_date"] == "2026-06-01"
    assert body["contact"]["name"] == "Team A"


def test_an_invalid_nhs_number_is_a_400_problem_with_a_clear_detail(world):
    http, _ = api()
    body = assert_problem(ask(http, ON_PLAN[:9] + str((int(ON_PLAN[9]) + 1) % 10)), 400)
    assert "check digit" in body["detail"]
    assert "nhs_number" in body["errors"]


def test_the_reason_is_required(world):
    http, _ = api()
    body = assert_problem(ask(http, ON_PLAN, reason=""), 400)
    assert "reason" in body["errors"]


def test_no_key_is_401(world):
    response = APIClient().post(URL, {"nhs_number": ON_PLAN, "reason": REASON}, format="json")
    assert_problem(response, 401)
    assert response["WWW-Authenticate"] == "Api-Key"


def test_an_unknown_key_is_401(world):
    http = APIClient()
    http.credentials(HTTP_AUTHORIZATION="Api-Key abcdefgh.notakeyatall")
    assert_problem(ask(http, ON_PLAN), 401)


def test_a_client_without_the_scope_is_403(world, on_plan):
    http, client = api(scopes=[Scope.EVENTS])
    body = assert_problem(ask(http, ON_PLAN), 403)
    assert "plan_status" in body["detail"]
    entry = LogEntry.objects.filter(additional_data__partner_client_id=client.pk).get()
    assert entry.additional_data["outcome"] == "refused: scope"


def test_a_revoked_key_is_refused_and_the_new_one_works(world, on_plan):
    http, client = api()
    assert ask(http, ON_PLAN).status_code == 200
    new_key = issue_key(client)  # rotation: the old key is revoked
    assert_problem(ask(http, ON_PLAN), 401)
    http.credentials(HTTP_AUTHORIZATION=f"Api-Key {new_key}")
    assert ask(http, ON_PLAN).status_code == 200


def test_revoking_the_client_stops_it_at_once(world, on_plan):
    http, client = api()
    assert ask(http, ON_PLAN).status_code == 200
    revoke_client(client)
    assert_problem(ask(http, ON_PLAN), 401)


def test_a_withdrawn_organisation_stops_its_clients(world, on_plan):
    http, client = api()
    client.organisation.is_active = False
    client.organisation.save()
    assert_problem(ask(http, ON_PLAN), 401)


def test_throttling_per_client_is_a_429_problem(world):
    http, _ = api(rate_limit="2/minute")
    other, _ = api(rate_limit="2/minute")
    assert ask(http, UNKNOWN).status_code == 200
    assert ask(http, UNKNOWN).status_code == 200
    response = ask(http, UNKNOWN)
    body = assert_problem(response, 429)
    assert "throttled" in body["detail"]
    assert int(response["Retry-After"]) > 0
    # Another client has its own allowance.
    assert ask(other, UNKNOWN).status_code == 200


def test_every_call_is_audited_with_the_client_and_the_reason(world, on_plan):
    http, client = api()
    ask(http, ON_PLAN)
    ask(http, UNKNOWN, reason="Minor injuries unit")
    ask(http, "123")
    entries = LogEntry.objects.filter(additional_data__partner_client_id=client.pk).order_by("pk")
    assert entries.count() == 3
    first, second, third = entries
    assert first.object_pk == str(on_plan.pk)  # on the child's own access log
    assert first.content_type.model == "child"
    assert first.additional_data["reason"] == REASON
    assert first.additional_data["partner_organisation"] == str(client.organisation)
    assert first.action == LogEntry.Action.ACCESS
    assert second.additional_data["reason"] == "Minor injuries unit"
    assert second.additional_data["nhs_number"] == UNKNOWN
    assert second.content_type.model == "partnerclient"
    assert third.additional_data["outcome"] == "refused: invalid request"


def test_get_is_not_allowed(world):
    http, _ = api()
    response = http.get(URL)
    assert_problem(response, 405)


def test_the_schema_validates_and_the_docs_are_served_locally(client, db):
    from openapi_spec_validator import validate

    response = client.get(reverse("api:schema"))
    assert response.status_code == 200
    spec = yaml.safe_load(response.content)
    validate(spec)
    assert "/api/v1/plan-status/" in spec["paths"]
    answer = spec["components"]["schemas"]["PlanStatusAnswer"]["properties"]
    assert "category" not in str(answer)
    docs = client.get(reverse("api:docs"))
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html
    assert "//cdn" not in html and "unpkg" not in html and "jsdelivr" not in html
    script = client.get(reverse("api:docs") + "?script=")
    assert script.status_code == 200


def test_the_schema_says_how_to_send_the_key(client, db):
    spec = yaml.safe_load(client.get(reverse("api:schema")).content)
    assert spec["components"]["securitySchemes"]["ApiKey"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": 'The word "Api-Key", a space, then the key.',
    }
    assert spec["paths"]["/api/v1/plan-status/"]["post"]["security"] == [{"ApiKey": []}]
