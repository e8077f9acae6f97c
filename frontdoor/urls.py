from django.urls import path

from . import views

app_name = "frontdoor"

urlpatterns = [
    path("front-door/", views.contact_list, name="contact-list"),
    path("front-door/new/", views.contact_start, name="contact-start"),
    path("children/<int:pk>/contacts/", views.child_contacts, name="child-contacts"),
    path("children/<int:pk>/contacts/new/", views.contact_add, name="contact-add"),
    path(
        "children/<int:pk>/contacts/<int:contact_id>/",
        views.contact_detail,
        name="contact-detail",
    ),
    path(
        "children/<int:pk>/contacts/<int:contact_id>/decide/",
        views.contact_decide,
        name="contact-decide",
    ),
    path(
        "children/<int:pk>/contacts/<int:contact_id>/acknowledge/",
        views.contact_acknowledge,
        name="contact-acknowledge",
    ),
    path(
        "children/<int:pk>/contacts/<int:contact_id>/outcome/",
        views.contact_outcome,
        name="contact-outcome",
    ),
    path(
        "children/<int:pk>/contacts/<int:contact_id>/checks/new/",
        views.check_add,
        name="check-add",
    ),
    path(
        "children/<int:pk>/checks/<int:check_id>/response/",
        views.check_respond,
        name="check-respond",
    ),
]
