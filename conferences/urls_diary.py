"""Conference diary, scheduling, attendance, decisions, minutes, feedback and IRO views."""

from django.urls import path

from .views import diary

urlpatterns = [
    path("conferences/", diary.diary, name="diary"),
]
