"""A double click sends a form twice: a create form's one-use token makes the second a no-op."""

import re

from django.urls import reverse

from cases.models import Child
from tests.cases.test_child import _child_post


def _token(page: str) -> str:
    match = re.search(r'name="form_token" value="([^"]+)"', page)
    assert match, "the form carries a one-use token"
    return match.group(1)


def test_registering_a_child_twice_with_one_form_makes_one_child(world, login):
    client = login(world.social_worker)
    url = reverse("cases:child-create")
    token = _token(client.get(url).content.decode())
    first = client.post(url, {**_child_post(), "form_token": token})
    second = client.post(url, {**_child_post(), "form_token": token}, follow=True)
    assert first.status_code == 302
    assert Child.objects.filter(last_name="Examplefield").count() == 1
    # The second lands where the first went, and says why nothing more was saved.
    assert second.redirect_chain[-1][0] == first["Location"]
    assert "already sent" in second.content.decode()


def test_a_fresh_form_can_be_sent_again(world, login):
    client = login(world.social_worker)
    url = reverse("cases:child-create")
    # Two different children (the same child twice would meet the likely-duplicate warning).
    for first, born in (("Ivy", "2019-04-02"), ("Otto", "2012-09-30")):
        token = _token(client.get(url).content.decode())
        client.post(
            url,
            {**_child_post(first_name=first, date_of_birth=born, last_name=f"{first}field")}
            | {"form_token": token},
        )
    assert Child.objects.filter(last_name__in=["Ivyfield", "Ottofield"]).count() == 2


def test_a_form_refused_with_errors_can_be_corrected_and_sent(world, login):
    client = login(world.social_worker)
    url = reverse("cases:child-create")
    token = _token(client.get(url).content.decode())
    refused = client.post(
        url, {**_child_post(), "date_of_birth": "2099-01-01", "form_token": token}
    )
    assert refused.status_code == 200
    again = client.post(url, {**_child_post(), "form_token": _token(refused.content.decode())})
    assert again.status_code == 302
    assert Child.objects.filter(last_name="Examplefield").count() == 1


def test_another_users_token_is_not_theirs(world, login):
    url = reverse("cases:child-create")
    token = _token(login(world.social_worker).get(url).content.decode())
    login(world.social_worker).post(url, {**_child_post(), "form_token": token})
    colleague = _child_post(first_name="Otto", last_name="Ottofield", date_of_birth="2012-09-30")
    login(world.same_team_worker).post(url, {**colleague, "form_token": token})
    # Tokens are per user: a colleague's form is not taken for a repeat of someone else's.
    assert Child.objects.filter(last_name__in=["Examplefield", "Ottofield"]).count() == 2


def test_spent_tokens_are_forgotten_after_a_day(world):
    import datetime

    from django.utils import timezone

    from accounts.models import FormSubmission
    from accounts.services import form_tokens_forget

    old = FormSubmission.objects.create(user=world.social_worker, token="a", path="/x/")
    FormSubmission.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=25)
    )
    recent = FormSubmission.objects.create(user=world.social_worker, token="b", path="/x/")
    assert form_tokens_forget() == 1
    assert list(FormSubmission.objects.all()) == [recent]


def test_a_page_refused_with_errors_can_be_sent_again_as_it_was(world, login):
    client = login(world.social_worker)
    url = reverse("cases:child-create")
    token = _token(client.get(url).content.decode())
    bad = {**_child_post(), "date_of_birth": "2099-01-01", "form_token": token}
    assert client.post(url, bad).status_code == 200
    # Back in the browser, corrected, and sent with the first page's token: it is saved.
    assert client.post(url, {**_child_post(), "form_token": token}).status_code == 302
    assert Child.objects.filter(last_name="Examplefield").count() == 1
