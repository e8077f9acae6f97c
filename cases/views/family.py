"""Family and network, and the genogram, on the child's record."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from accounts.http import AuthenticatedRequest

from ..access import Mask, child_is_writable_by, get_child_for_user
from ..family import family_of, genogram_members
from ..forms.family import FamilyMemberForm, ProfessionalForm
from ..genogram import RELATIONSHIP_ORDER, build_genogram, legend, partnerships
from ..models import Child, FamilyMember, Relationship
from .common import child_form_page, saving


def _family_members(child: Child) -> list[FamilyMember]:
    members = list(FamilyMember.objects.filter(child=child))
    return sorted(
        members,
        key=lambda m: (
            RELATIONSHIP_ORDER.get(m.relationship, len(RELATIONSHIP_ORDER)),
            m.last_name.lower(),
            m.first_name.lower(),
            m.pk,
        ),
    )


def _saving_member(user):
    from ..services import family_member_save

    return lambda form: family_member_save(
        member=form.save(commit=False),
        user=user,
        expected_version=getattr(form, "expected_version", None),
    )


@require_safe
def family(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk)
    members = _family_members(child)
    partners: dict[int, list[dict]] = {}
    for link in partnerships(members):
        partners.setdefault(link.a.pk, []).append({"person": link.b, "status": link.label})
        partners.setdefault(link.b.pk, []).append({"person": link.a, "status": link.label})
    by_pk = {m.pk: m for m in members}
    rows = [
        {"member": m, "partners": partners.get(m.pk, []), "through": by_pk.get(m.through_parent_id)}
        for m in members
    ]
    fathers = [m for m in members if m.relationship == Relationship.FATHER]
    professionals = sorted(
        child.professionals.all(), key=lambda p: (not p.is_current, p.agency, p.name, p.pk)
    )
    return render(
        request,
        "cases/family.html",
        {
            "child": child,
            "active_tab": "family",
            "rows": rows,
            "fathers": fathers,
            "absent_fathers": [m for m in fathers if m.is_father_not_living_with_child],
            "safety_plan_count": sum(m.involved_in_safety_plan for m in members),
            "professionals": professionals,
            "can_edit": child_is_writable_by(request.user, child),
        },
    )


@require_http_methods(["GET", "POST"])
def family_member_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk, write=True)
    form = FamilyMemberForm(request.POST or None, child=child)
    return child_form_page(
        request,
        child=child,
        form=form,
        save=_saving_member(request.user),
        title="Add a family member or person in the network",
        success_url=reverse("cases:family", args=[child.pk]),
        success_message="The family member was added.",
        template="cases/family_member_form.html",
        extra_context={"active_tab": "family"},
    )


@require_http_methods(["GET", "POST"])
def family_member_edit(request: AuthenticatedRequest, pk: int, member_id: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk, write=True)
    member = get_object_or_404(child.family, pk=member_id)
    form = FamilyMemberForm(request.POST or None, instance=member, child=child)
    return child_form_page(
        request,
        child=child,
        form=form,
        save=_saving_member(request.user),
        title=f"Edit {member}",
        success_url=reverse("cases:family", args=[child.pk]),
        success_message=f"The details of {member} were saved.",
        template="cases/family_member_form.html",
        extra_context={"active_tab": "family"},
    )


@require_http_methods(["GET", "POST"])
def professional_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk, write=True)
    form = ProfessionalForm(request.POST or None, child=child)
    return child_form_page(
        request,
        child=child,
        form=form,
        save=saving(request.user),
        title="Add a professional",
        success_url=reverse("cases:family", args=[child.pk]) + "#professionals",
        success_message="The professional was added.",
        template="cases/professional_form.html",
        extra_context={"active_tab": "family"},
    )


@require_http_methods(["GET", "POST"])
def professional_edit(request: AuthenticatedRequest, pk: int, professional_id: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk, write=True)
    professional = get_object_or_404(child.professionals, pk=professional_id)
    form = ProfessionalForm(request.POST or None, instance=professional, child=child)
    return child_form_page(
        request,
        child=child,
        form=form,
        save=saving(request.user),
        title=f"Edit {professional.name}",
        success_url=reverse("cases:family", args=[child.pk]) + "#professionals",
        success_message=f"The details of {professional.name} were saved.",
        template="cases/professional_form.html",
        extra_context={"active_tab": "family"},
    )


@require_safe
def genogram(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk)
    # The child's own entries and everyone the shared relationships add (a grandmother
    # recorded on a brother's page); a relative on a restricted record drawn as one.
    family = family_of(child)
    records = [r for r in family.relatives if r.child_record and r.child_record.is_restricted]
    mask = Mask(request.user) if records else None
    masked = {r.person.pk for r in records if mask is not None and mask.hides(r.child_record)}
    drawing = build_genogram(child, genogram_members(child, family, masked=masked))
    return render(
        request,
        "cases/genogram.html",
        {
            "child": child,
            "active_tab": "genogram",
            "genogram": drawing,
            "legend": legend(),
            "can_edit": child_is_writable_by(request.user, child),
        },
    )
