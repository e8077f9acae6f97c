from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("returns/cin-census/", views.census_page, name="census"),
    path("returns/cin-census/download/", views.census_download, name="census-download"),
    path("returns/annex-a/", views.annex_a_page, name="annex-a"),
    path("returns/annex-a/download/", views.annex_a_download, name="annex-a-download"),
]
