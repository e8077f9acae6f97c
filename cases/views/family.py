"""Placeholder views: to be implemented."""

from django.http import Http404


def family(request, *args, **kwargs):
    raise Http404("Not built yet")


def family_member_add(request, *args, **kwargs):
    raise Http404("Not built yet")


def family_member_edit(request, *args, **kwargs):
    raise Http404("Not built yet")


def professional_add(request, *args, **kwargs):
    raise Http404("Not built yet")


def professional_edit(request, *args, **kwargs):
    raise Http404("Not built yet")


def genogram(request, *args, **kwargs):
    raise Http404("Not built yet")
