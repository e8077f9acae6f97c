"""Reads of conferences and plans, scoped to the user.

- Social workers, team managers, senior managers: conferences of the children they may see.
- IROs: conferences they chair, and any conference of a child whose conference they chair.
- Business support: every conference's diary fields (date, venue, chair, invitations,
  reports shared, minutes distributed), but never the child's case record.
"""

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Role, User
from cases.access import (
    check_not_restricted_from,
    child_is_writable_by,
    children_for_user,
    children_in_reach,
)
from cases.family import family_of
from cases.models import Child
from wirral_cp.dates import day

from .models import ChildProtectionPlan, Conference, ConferenceStatus


def iro_reach(user: User) -> Q | None:
    """Registered with `cases.access`: an IRO reaches the children whose conferences they
    chair."""
    if not user.is_iro:
        return None
    return Q(pk__in=Conference.objects.filter(chair=user).values("child_id"))


def conferences_in_reach(user: User) -> QuerySet[Conference]:
    """Conferences this user's role reaches, restricted records included (the diary lists them
    masked). Business support arrange every conference; senior managers see every one."""
    qs = Conference.objects.select_related("child", "chair", "plan", "section47")
    if not user.is_authenticated:
        return qs.none()
    if user.is_senior_manager or user.is_business_support:
        return qs
    condition = Q(child__in=children_in_reach(user))
    if user.is_iro:
        condition |= Q(chair=user)
    return qs.filter(condition)


def conferences_for_user(user: User) -> QuerySet[Conference]:
    """Conferences this user may open: their reach less restricted records they are not named
    on (the chair and business support included)."""
    named = Child.restricted_to.through.objects.filter(
        child_id=OuterRef("child_id"), user_id=user.pk
    )
    return conferences_in_reach(user).filter(Q(child__is_restricted=False) | Exists(named))


def get_conference_for_user(user: User, pk: int) -> Conference:
    """The conference if this user may open it; a restricted child's conference says whom to
    ask; anything else is a 404."""
    conference = conferences_in_reach(user).filter(pk=pk).first()
    if conference is None:
        raise Http404("No such conference")
    check_not_restricted_from(user, conference.child)
    return conference


def get_conference_to_schedule(user: User, pk: int) -> Conference:
    """Business support (and team managers of the child's team) arrange conferences."""
    conference = get_conference_for_user(user, pk)
    if user.is_business_support:
        return conference
    raise Http404("No such conference")


def get_conference_to_chair(user: User, pk: int) -> Conference:
    """Only the conference's chair records attendance, decisions and minutes."""
    conference = get_conference_for_user(user, pk)
    if not user.is_iro or conference.chair_id != user.pk:
        raise Http404("No such conference")
    return conference


def get_plan_of_child(child: Child, plan_id: int) -> ChildProtectionPlan:
    """One of this child's plans; the child itself came through the door
    (`cases.access.get_child_for_user`)."""
    return get_object_or_404(child.protection_plans.all(), pk=plan_id)


def plan_is_writable_by(user: User, plan: ChildProtectionPlan) -> bool:
    """The allocated worker's team and managers keep the plan up to date; the IRO chairing the
    child's conferences may too."""
    if child_is_writable_by(user, plan.child):
        return True
    return user.is_iro and plan.conferences.filter(chair=user).exists()


UPCOMING = [ConferenceStatus.REQUESTED, ConferenceStatus.SCHEDULED]


def caseload_chair():
    """A child's IRO for the caseload: the chair of their next conference (the soonest upcoming
    one with a chair), or, if none is booked, of their last one held. Each child has one, so a
    review reassigned to another chair moves the child rather than counting them twice."""
    mine = Conference.objects.filter(child_id=OuterRef("pk"), chair__isnull=False)
    next_chair = mine.filter(status__in=UPCOMING).order_by("target_date", "pk").values("chair_id")
    last_chair = (
        mine.filter(status=ConferenceStatus.HELD).order_by("-held_on", "-pk").values("chair_id")
    )
    return Coalesce(Subquery(next_chair[:1]), Subquery(last_chair[:1]))


def caseload_children() -> QuerySet[Child]:
    """Children on an IRO caseload: an open child protection plan or an upcoming conference,
    each with `caseload_chair_id`."""
    return Child.objects.filter(
        Exists(ChildProtectionPlan.objects.filter(child_id=OuterRef("pk"), end_date__isnull=True))
        | Exists(Conference.objects.filter(child_id=OuterRef("pk"), status__in=UPCOMING))
    ).annotate(caseload_chair_id=caseload_chair())


def iro_caseload(user: User) -> QuerySet[Child]:
    """The children on this IRO's caseload (see `caseload_chair`)."""
    return (
        caseload_children()
        .filter(Q(caseload_chair_id=user.pk))
        .select_related("allocated_worker", "allocated_team")
    )


def iro_child_counts(children: Q | None = None) -> dict[int, int]:
    """Children per IRO, each child counted once for their caseload chair: one grouped query.
    `children` narrows the children counted (a team's)."""
    rows = (
        caseload_children()
        .filter(Q(caseload_chair_id__isnull=False), children or Q())
        .values(chair=F("caseload_chair_id"))
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["chair"]: row["n"] for row in rows}


def iro_caseload_ids(iro_id: int) -> QuerySet:
    """The ids of the children on this IRO's caseload, as a subquery."""
    return caseload_children().filter(Q(caseload_chair_id=iro_id)).values("pk")


def iro_caseloads() -> QuerySet[User]:
    """Every active IRO with `children`, the number of children on their caseload."""
    counted = (
        caseload_children()
        .filter(Q(caseload_chair_id=OuterRef("pk")))
        .values(chair=F("caseload_chair_id"))
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        User.objects.filter(groups__name=Role.IRO, is_active=True)
        .distinct()
        .annotate(children=Coalesce(Subquery(counted[:1]), 0))
        .order_by("last_name", "first_name")
    )


def child_summary_section(child: Child, user: User, today) -> dict:
    """The conferences app's part of the child's summary: the current plan, a step down to a
    child in need plan that has not started, and the next conference."""
    from cases.models import CINPlan

    from .models import PlanEndNextStep

    plan = ChildProtectionPlan.objects.filter(child=child, end_date__isnull=True).first()
    alerts: list[str] = []
    step_down = None
    has_cin_plan = CINPlan.objects.filter(child=child, end_date__isnull=True).exists()
    if plan is None and not has_cin_plan:
        last = (
            ChildProtectionPlan.objects.filter(child=child, end_date__isnull=False)
            .annotate(
                cin_started=Exists(
                    CINPlan.objects.filter(child=child, start_date__gte=OuterRef("end_date"))
                )
            )
            .order_by("-end_date")
            .first()
        )
        if last and last.end_next_step == PlanEndNextStep.CIN_PLAN and not last.cin_started:
            step_down = last
            alerts.append(
                f"The child protection plan ended on {day(last.end_date)} with a step down "
                "to a child in need plan, which has not started."
            )
    next_conference = (
        Conference.objects.filter(
            child=child, status__in=[ConferenceStatus.REQUESTED, ConferenceStatus.SCHEDULED]
        )
        .select_related("chair")
        .order_by("target_date")
        .first()
    )
    return {
        "plan": plan,
        "step_down": step_down,
        "next_conference": next_conference,
        "alerts": alerts,
    }


def sibling_candidates(user: User, lead: Conference) -> QuerySet[Conference]:
    """Other children's conferences business support may add to the group booked as `lead`:
    their own, not yet held, not in a group, of children this user may open. The children
    discussed together at the lead child's strategy discussion come first. Which of them may
    really join is `rules.sibling_group_problems`."""
    from django.db.models import Case, IntegerField, Value, When

    from .models import ConferenceType

    qs = (
        conferences_for_user(user)
        .filter(
            status__in=UPCOMING,
            group_lead__isnull=True,
            conference_type__in=[
                ConferenceType.INITIAL,
                ConferenceType.PRE_BIRTH,
                ConferenceType.REVIEW,
            ],
        )
        .exclude(child_id=lead.child_id)
        .exclude(Exists(Conference.objects.filter(group_lead=OuterRef("pk"))))
    )
    enquiry = lead.section47
    discussion = enquiry.strategy_discussion if enquiry is not None else None
    group = discussion.sibling_group if discussion is not None else None
    return qs.annotate(
        discussed_together=Case(
            When(section47__strategy_discussion__sibling_group=group, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("discussed_together", "child__last_name", "child__first_name", "pk")


def group_children(user: User, conferences: list[Conference]) -> dict[int, list[Conference]]:
    """For each conference listed (the diary's page, a conference's own page), the other
    children's conferences its sibling group holds that this user may open; the rest are left
    out. Two queries however many conferences or children."""
    leads = {c.group_lead_id or c.pk for c in conferences}
    rows = list(
        Conference.objects.filter(Q(group_lead_id__in=leads) | Q(pk__in=leads))
        .select_related("child")
        .order_by("child__last_name", "child__first_name", "pk")
    )
    openable = set(
        conferences_for_user(user).filter(pk__in=[r.pk for r in rows]).values_list("pk", flat=True)
    )
    by_group: dict[int, list[Conference]] = {}
    for row in rows:
        by_group.setdefault(row.group_lead_id or row.pk, []).append(row)
    return {
        conference.pk: [
            other
            for other in by_group.get(conference.group_lead_id or conference.pk, [])
            if other.pk != conference.pk and other.pk in openable
        ]
        for conference in conferences
    }


def joint_core_group_plans(user: User, plan: ChildProtectionPlan) -> QuerySet[ChildProtectionPlan]:
    """The open plans of the other children of the sibling-group conferences that made or
    reviewed `plan`, which this user may keep up to date: offered for one core group together
    (`rules.joint_core_group_problems` decides)."""
    leads = (
        Conference.objects.filter(plan=plan)
        .annotate(lead=Coalesce("group_lead_id", "pk"))
        .values("lead")
    )
    together = Conference.objects.filter(Q(group_lead_id__in=leads) | Q(pk__in=leads))
    candidates = (
        ChildProtectionPlan.objects.filter(
            end_date__isnull=True,
            pk__in=together.values("plan_id"),
            child__in=children_for_user(user),
        )
        .exclude(pk=plan.pk)
        .select_related("child")
        .order_by("child__last_name", "child__first_name", "pk")
    )
    return candidates.filter(pk__in=[p.pk for p in candidates if plan_is_writable_by(user, p)])


def family_people(children: list[Child]) -> dict[int, str]:
    """The people of the children's families a participant or core-group attendee is chosen
    from: {person id: "Sam Lee (Father)"}, the children themselves aside."""
    found: dict[int, str] = {}
    own = {c.person_id for c in children}
    for child in children:
        for relative in family_of(child).relatives:
            if relative.person.pk not in own and relative.person.pk not in found:
                found[relative.person.pk] = f"{relative.person.full_name} ({relative.word})"
    return dict(sorted(found.items(), key=lambda item: item[1].casefold()))


def conference_children(conference: Conference) -> list[Child]:
    """The child of a conference and, for a sibling group's lead, every child in the group."""
    lead = conference.shared_record
    return [lead.child] + [
        c.child for c in Conference.objects.filter(group_lead=lead).select_related("child")
    ]
