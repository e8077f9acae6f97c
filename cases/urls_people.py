"""A person of the person index, and the list of records that may be one person."""

from django.urls import path

from .views import known, people

app_name = "people"

urlpatterns = [
    path("search/", known.known_search, name="search"),
    path("duplicates/", known.duplicates, name="duplicates"),
    path("merge/<int:first_id>/<int:second_id>/", known.merge, name="merge"),
    path("merges/<int:merge_id>/", known.merge_detail, name="merge-detail"),
    path("merges/<int:merge_id>/reverse/", known.merge_reverse, name="merge-reverse"),
    path("possible-same/", people.possible_same_people, name="possible-same"),
    path("<int:person_id>/", people.person_detail, name="person-detail"),
]
