"""Sweeps over every URL: escaping of what users type, and CSRF on every POST."""

import pytest
from django.test import Client

from tests.test_permission_matrix import URL_NAMES, _url, scene  # noqa: F401 - scene: fixture

SCRIPT = "<script>alert(1)</script>"


@pytest.mark.parametrize("persona", ["social_worker", "senior_manager", "iro", "business_support"])
def test_a_child_named_script_renders_escaped_everywhere(world, login, scene, persona):  # noqa: F811
    child = world.child
    child.first_name = SCRIPT
    child.last_name = SCRIPT
    child.save()
    client = login(world.persona(persona))
    checked = 0
    for name in URL_NAMES:
        response = client.get(_url(name, scene))
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        checked += 1
        assert SCRIPT not in response.content.decode(), name
    assert checked > 10


def test_every_post_needs_a_csrf_token(world, scene):  # noqa: F811
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.social_worker)
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=world.social_worker, name="t", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    refused = []
    for name in URL_NAMES:
        response = client.post(_url(name, scene), {"x": "1"})
        if response.status_code == 403:
            refused.append(name)
    # The partner API reads no session or cookie: it takes an API key in a header, which a
    # cross-site form cannot send, so a signed-in browser's POST is refused as unauthenticated
    # (401) and the schema and docs take no POST (405).
    no_session = {
        "api:v1-plan-status": 401,
        "api:v1-contribution-requests": 401,
        "api:v1-contribution-submit": 401,
        "api:schema": 405,
        "api:docs": 405,
    }
    for name, status in no_session.items():
        assert client.post(_url(name, scene), {"x": "1"}).status_code == status, name
    missing = sorted(set(URL_NAMES) - set(refused) - set(no_session))
    assert not missing, f"POST without a CSRF token was not refused by: {missing}"
