"""Family, network and genogram pages of the child's record."""

from django.urls import path

from .views import family, people

urlpatterns = [
    path("<int:pk>/family/", family.family, name="family"),
    path("<int:pk>/family/add/", family.family_member_add, name="family-add"),
    path("<int:pk>/family/<int:member_id>/edit/", family.family_member_edit, name="family-edit"),
    path("<int:pk>/professionals/add/", family.professional_add, name="professional-add"),
    path(
        "<int:pk>/professionals/<int:professional_id>/edit/",
        family.professional_edit,
        name="professional-edit",
    ),
    path("<int:pk>/genogram/", family.genogram, name="genogram"),
    path("<int:pk>/family-view/", people.family_view, name="family-view"),
    path("<int:pk>/family-chronology/", people.family_chronology, name="family-chronology"),
    path("<int:pk>/household/", people.household_move_view, name="household-move"),
    path(
        "<int:pk>/family-view/adults/<int:link_id>/",
        people.involvement_edit,
        name="involvement-edit",
    ),
    path(
        "<int:pk>/family-view/people/<int:person_id>/names/",
        people.person_names_edit,
        name="person-names-edit",
    ),
    path(
        "<int:pk>/family-view/relationships/<int:link_id>/",
        people.relationship_edit_view,
        name="relationship-edit",
    ),
]
