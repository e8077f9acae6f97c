"""The child's conferences and plan: outcomes, actions, versions, family-friendly plan, core
groups."""

from django.urls import path

from .views import plan, transfers

P = "children/<int:pk>/plan/<int:plan_id>/"

urlpatterns = [
    path("children/<int:pk>/plan/", plan.child_plan, name="child-plan"),
    path(P, plan.plan_detail, name="plan-detail"),
    path(f"{P}edit/", plan.plan_edit, name="plan-edit"),
    path(f"{P}outcomes/add/", plan.outcome_add, name="outcome-add"),
    path(f"{P}outcomes/<int:outcome_id>/edit/", plan.outcome_edit, name="outcome-edit"),
    path(f"{P}outcomes/<int:outcome_id>/actions/add/", plan.action_add, name="action-add"),
    path(f"{P}actions/<int:action_id>/edit/", plan.action_edit, name="action-edit"),
    path(f"{P}versions/", plan.plan_versions, name="plan-versions"),
    path(f"{P}family/", plan.family_plan, name="family-plan"),
    path(f"{P}family/words/", plan.family_plan_words, name="family-plan-words"),
    path(f"{P}family/print/", plan.family_plan_print, name="family-plan-print"),
    path(f"{P}family.pdf", plan.family_plan_pdf, name="family-plan-pdf"),
    path(f"{P}core-groups/", plan.core_groups, name="core-groups"),
    path(f"{P}core-groups/add/", plan.core_group_add, name="core-group-add"),
]

# Ending a plan outside a review, and moves between authorities (views/transfers.py).
urlpatterns += [
    path(f"{P}end/", transfers.plan_end, name="plan-end"),
    path(f"{P}transfer-out/", transfers.transfer_out, name="transfer-out"),
    path("children/<int:pk>/transfer-in/", transfers.transfer_in, name="transfer-in"),
]
