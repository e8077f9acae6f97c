"""The GOV.UK error summary on every page after a failed submit (issue 23 item 1), rendered by
the server: it needs no JavaScript to show, and its links are plain fragment links."""

import re

from django.urls import reverse

from tests.cases.factories import ReferralFactory
from tests.strategy.factories import london
from tests.strategy.test_views import _discussion_post


def _summary(html: str) -> str | None:
    match = re.search(r"<div[^>]*data-error-summary[^>]*>.*?</div>", html, re.S)
    return match.group(0) if match else None


def test_a_page_not_submitted_has_no_summary(world, login):
    html = login(world.social_worker).get(reverse("cases:visit-add", args=[world.child.pk]))
    html = html.content.decode()
    assert _summary(html) is None
    assert "<title>Error:" not in html


def test_a_failed_submit_shows_the_summary_first_with_a_link_per_error(world, login):
    ReferralFactory(child=world.child, received_at=london(2026, 11, 19, 9))
    response = login(world.social_worker).post(
        reverse("strategy:discussion-add", args=[world.child.pk]),
        _discussion_post(chair="", reason="", discussion_type=""),
    )
    html = response.content.decode()
    summary = _summary(html)
    assert summary is not None
    assert "There is a problem" in summary
    assert 'tabindex="-1"' in summary and "autofocus" in summary
    assert re.search(r"<title>Error: ", html)
    links = re.findall(r'<a href="#([^"]+)">', summary)
    assert links
    for target in links:
        assert f'id="{target}"' in html, target
    # Django's "This field is required." is named by the field it belongs to.
    assert re.search(r">[^<:]+: This field is required\.</a>", summary)
    # Before the page's content: the first thing in <main>.
    main = html[html.index('<main id="main"') :]
    assert main.index("data-error-summary") < main.index("<h1")


def test_formset_errors_are_in_the_summary_by_row(world, login):
    ReferralFactory(child=world.child, received_at=london(2026, 11, 19, 9))
    data = _discussion_post(
        chair=str(world.team_manager.pk), **{"participants-2-health_service": ""}
    )
    html = (
        login(world.social_worker)
        .post(reverse("strategy:discussion-add", args=[world.child.pk]), data)
        .content.decode()
    )
    summary = _summary(html)
    assert summary is not None
    assert (
        '<a href="#id_participants-2-health_service">Participant 3: '
        "Say which health service took part.</a>" in summary
    )


def test_a_refused_action_sent_back_shows_its_message_in_the_summary(world, login, client):
    from tests.e2e.scenes import today  # noqa: F401 - the chronology needs an entry

    ReferralFactory(child=world.child, received_at=london(2026, 11, 19, 9))
    client = login(world.social_worker)
    chronology = client.get(reverse("cases:chronology", args=[world.child.pk])).content.decode()
    key = re.search(r'name="source_key" value="([^"]+)"', chronology).group(1)
    response = client.post(
        reverse("cases:chronology-describe", args=[world.child.pk]),
        {"source_key": key, "description": "x" * 400, "was": ""},
        follow=True,
    )
    summary = _summary(response.content.decode())
    assert summary is not None and "not saved" in summary
