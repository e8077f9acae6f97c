from django.urls import path

from .urls_activity import urlpatterns as activity_urls
from .urls_episodes import urlpatterns as episode_urls
from .urls_family import urlpatterns as family_urls
from .views import child, known, legal, previous_plans

app_name = "cases"

urlpatterns = [
    path("", child.child_list, name="child-list"),
    path("new/", child.child_create_view, name="child-create"),
    path("<int:pk>/", child.child_detail, name="child-detail"),
    path("<int:pk>/edit/", child.child_edit, name="child-edit"),
    path("<int:pk>/birth/", child.child_birth, name="child-birth"),
    path("<int:pk>/restriction/", child.child_restriction, name="child-restriction"),
    path("<int:pk>/open-with-reason/", known.open_with_reason, name="open-with-reason"),
    path("<int:pk>/previous-plans/", previous_plans.previous_plans, name="previous-plans"),
    path(
        "<int:pk>/previous-plans/new/",
        previous_plans.previous_plan_add,
        name="previous-plan-add",
    ),
    path(
        "<int:pk>/previous-plans/<int:elsewhere_id>/",
        previous_plans.previous_plan_edit,
        name="previous-plan-edit",
    ),
    path("<int:pk>/protective-orders/", legal.protective_orders, name="protective-orders"),
    path(
        "<int:pk>/protective-orders/add/",
        legal.protective_order_add,
        name="protective-order-add",
    ),
    path(
        "<int:pk>/protective-orders/<int:order_id>/edit/",
        legal.protective_order_edit,
        name="protective-order-edit",
    ),
    *family_urls,
    *episode_urls,
    *activity_urls,
]
