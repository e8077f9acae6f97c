"""Placeholder views: being built."""

from django.http import Http404


def diary(request, *args, **kwargs):
    raise Http404("Not built yet")


def child_plan(request, *args, **kwargs):
    raise Http404("Not built yet")
