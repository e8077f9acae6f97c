import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, Team, User
from cases.models import Child


def test_seed_demo_is_idempotent(db, settings):
    settings.DEMO_MODE = True
    call_command("seed_demo")
    counts = (Team.objects.count(), User.objects.count(), Child.objects.count())
    call_command("seed_demo")
    assert (Team.objects.count(), User.objects.count(), Child.objects.count()) == counts
    assert counts[2] >= 5
    for role in Role:
        assert User.objects.filter(groups__name=role.value).exists(), role


def test_seed_demo_users_can_sign_in(db, settings, client):
    settings.DEMO_MODE = True
    call_command("seed_demo")
    response = client.post(
        reverse("accounts:login"), {"username": "sw.north", "password": "demo-password-2026"}
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_seed_demo_fills_the_case_records(db, settings):
    settings.DEMO_MODE = True
    call_command("seed_demo")
    ruby = Child.objects.get(la_child_id="DEMO0001")
    assert ruby.family.count() >= 4
    assert ruby.visits.exclude(childs_words="").exists()
    assert ruby.section47s.get().conferences.exists()
    assert ruby.oversight.exists()
    kai = Child.objects.get(la_child_id="DEMO0004")
    discussion = kai.strategy_discussions.get()
    assert not discussion.participants.filter(agency="health", participation="attended").exists()


def test_seed_demo_refused_outside_demo_mode(db, settings):
    settings.DEMO_MODE = False
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")


def test_seed_demo_can_add_a_synthetic_authority_once(db, settings):
    """`make run` asks for a synthetic authority too, so the demo's dashboards and alert lists
    have figures; a second run adds nothing."""
    from dashboards.measures import Measures, Scope
    from monitoring.models import Alert

    settings.DEMO_MODE = True
    call_command("seed_demo", "--authority", "40")
    synthetic = Child.objects.filter(la_child_id__startswith="SYN").count()
    alerts = Alert.objects.count()
    assert synthetic == 40
    assert alerts > 0
    call_command("seed_demo", "--authority", "40")
    assert Child.objects.filter(la_child_id__startswith="SYN").count() == synthetic
    assert Alert.objects.count() == alerts
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    year_ago = today - datetime.timedelta(days=365)
    summary = Measures(Scope("authority", ""), year_ago, today).summary()
    assert summary["icpc_held"] > 0 and summary["statutory_visits"] > 0


def test_seed_demo_links_the_grandmother_to_the_mother(db, settings):
    settings.DEMO_MODE = True
    call_command("seed_demo")
    irene = Child.objects.get(la_child_id="DEMO0001").family.get(first_name="Irene")
    assert irene.through_parent.relationship == "mother"


def test_seed_demo_refuses_a_negative_authority(db, settings):
    settings.DEMO_MODE = True
    with pytest.raises(CommandError, match="0 or more"):
        call_command("seed_demo", "--authority", "-5")
    assert not Child.objects.exists()


def test_the_demo_password_is_refused_outside_demo_mode(db, settings, client):
    """A database seeded for the demo and then served for real must not let anyone in with
    the password printed in the README (and then enrol in the second factor)."""
    settings.DEMO_MODE = True
    call_command("seed_demo")
    settings.DEMO_MODE = False
    response = client.post(
        reverse("accounts:login"), {"username": "sw.north", "password": "demo-password-2026"}
    )
    assert response.status_code == 200
    assert "demo" in response.content.decode()
    assert "_auth_user_id" not in client.session
    admin = client.post(
        reverse("admin:login"), {"username": "admin", "password": "demo-password-2026"}
    )
    assert "_auth_user_id" not in client.session
    assert admin.status_code == 200


def test_the_seeded_demo_passes_the_census_gate(db, settings, cin_validator):
    """`make run` then `make census`: the demo's data, the synthetic authority included, passes
    the DfE rules for the latest census year and the one in progress (no error; queries are
    for a return to explain)."""
    from django.utils import timezone

    from reporting.census import latest_census_year
    from reporting.services import census_prepare

    settings.DEMO_MODE = True
    call_command("seed_demo", "--authority", "300")
    latest = latest_census_year(timezone.localdate())
    for year in (latest, latest + 1):
        package = census_prepare(year=year)
        errors = [f"{i.rule} {i.la_child_id}: {i.message}" for i in package.validation.errors]
        assert package.validation.available and not package.validation.problem
        assert not errors, f"census {year}:\n" + "\n".join(errors)
        assert package.releasable


def test_seed_demo_has_a_contact_for_each_decision(db, settings):
    """The front door's demo: a contact for each decision, the referrers acknowledged, the
    agencies checked (one answered late), Family Help asked of the Family Help team (one
    accepted, one waiting); seeding again adds none; the Family Help children are not in the
    census."""
    from defusedxml import ElementTree as SafeET

    from familyhelp.models import FamilyHelpRequest
    from frontdoor.models import AgencyCheck, Contact, ContactDecision
    from reporting.census_export import census_export

    settings.DEMO_MODE = True
    call_command("seed_demo")
    demo = Contact.objects.filter(child__la_child_id__startswith="DEMO")
    decisions = set(demo.values_list("decision", flat=True))
    assert decisions == {d.value for d in ContactDecision} | {""}
    for contact in demo.exclude(decision=""):
        assert contact.decided_by is not None
        assert contact.opens_referral == (contact.referral_id is not None), contact
    assert demo.filter(acknowledged_at__isnull=False).count() >= 4
    assert demo.filter(outcome_notified_at__isnull=False).exists()
    checks = AgencyCheck.objects.filter(contact__in=demo)
    late = [c for c in checks if c.is_late()]
    assert [(c.contact.child.la_child_id, c.agency) for c in late if c.responded_at] == [
        ("DEMO0003", "health")
    ]
    assert checks.filter(responded_at__isnull=True).exists()  # Leo's, this morning
    assert checks.filter(nothing_known=True).exists()

    requests = FamilyHelpRequest.objects.filter(contact__in=demo).order_by("requested_at")
    family_help = Team.objects.get(name="Family Help Team (demo)")
    assert [(r.child.la_child_id, r.to_team, r.is_pending) for r in requests] == [
        ("DEMO0008", family_help, False),
        ("DEMO0009", family_help, True),
    ]
    assert requests[0].accepted_by.username == "tm.familyhelp"
    assert requests[0].child.allocated_worker.username == "fh.worker"

    counts = (Contact.objects.count(), AgencyCheck.objects.count(), requests.count())
    call_command("seed_demo")
    assert (Contact.objects.count(), AgencyCheck.objects.count(), requests.count()) == counts

    year = timezone.localdate().year + (1 if timezone.localdate().month > 3 else 0)
    root = SafeET.fromstring(census_export(year=year)[1])
    ids = {c.findtext("ChildIdentifiers/LAchildID") for c in root.iter("Child")}
    assert "DEMO0003" in ids
    assert not ids & {"DEMO0008", "DEMO0009"}


def test_the_demo_data_officer_reaches_the_duplicates_list(db, settings, client):
    settings.DEMO_MODE = True
    call_command("seed_demo")
    officer = User.objects.get(username="data.officer")
    assert officer.has_perm("people.review_duplicates")
    assert not officer.roles
    client.force_login(officer)
    home = client.get(reverse("home")).content.decode()
    assert reverse("people:duplicates") in home
    assert "You have no role yet" not in home
    assert client.get(reverse("people:duplicates")).status_code == 200
