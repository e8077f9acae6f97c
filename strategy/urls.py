from django.urls import path

from . import views

app_name = "strategy"

urlpatterns = [
    path("children/<int:pk>/strategy/", views.child_strategy, name="child"),
    path("children/<int:pk>/strategy/add/", views.discussion_add, name="discussion-add"),
    path(
        "children/<int:pk>/strategy/<int:discussion_id>/",
        views.discussion_detail,
        name="discussion-detail",
    ),
    path(
        "children/<int:pk>/strategy/<int:discussion_id>/edit/",
        views.discussion_edit,
        name="discussion-edit",
    ),
    path(
        "children/<int:pk>/s47/<int:enquiry_id>/", views.section47_detail, name="section47-detail"
    ),
    path(
        "children/<int:pk>/s47/<int:enquiry_id>/edit/", views.section47_edit, name="section47-edit"
    ),
    path(
        "children/<int:pk>/s47/<int:enquiry_id>/agree/",
        views.section47_agree,
        name="section47-agree",
    ),
    path(
        "children/<int:pk>/s47/<int:enquiry_id>/icpc-before-seen/",
        views.section47_icpc_before_seen,
        name="section47-icpc-before-seen",
    ),
    path("strategy/discussions/", views.discussion_list, name="discussion-list"),
    path("strategy/enquiries/open/", views.open_enquiries, name="open-enquiries"),
    path(
        "strategy/enquiries/ended-without-icpc/",
        views.ended_without_icpc,
        name="ended-without-icpc",
    ),
]
