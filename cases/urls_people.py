"""A person of the person index, and the list of records that may be one person."""

from django.urls import path

from .views import people

app_name = "people"

urlpatterns = [
    path("possible-same/", people.possible_same_people, name="possible-same"),
    path("<int:person_id>/", people.person_detail, name="person-detail"),
]
