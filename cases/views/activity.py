"""Placeholder views: to be implemented."""

from django.http import Http404


def visits(request, *args, **kwargs):
    raise Http404("Not built yet")


def visit_add(request, *args, **kwargs):
    raise Http404("Not built yet")


def visit_edit(request, *args, **kwargs):
    raise Http404("Not built yet")


def notes(request, *args, **kwargs):
    raise Http404("Not built yet")


def note_add(request, *args, **kwargs):
    raise Http404("Not built yet")


def note_detail(request, *args, **kwargs):
    raise Http404("Not built yet")


def note_correct(request, *args, **kwargs):
    raise Http404("Not built yet")


def chronology(request, *args, **kwargs):
    raise Http404("Not built yet")


def chronology_print(request, *args, **kwargs):
    raise Http404("Not built yet")


def chronology_describe_view(request, *args, **kwargs):
    raise Http404("Not built yet")


def oversight(request, *args, **kwargs):
    raise Http404("Not built yet")


def oversight_add(request, *args, **kwargs):
    raise Http404("Not built yet")


def services(request, *args, **kwargs):
    raise Http404("Not built yet")


def service_add(request, *args, **kwargs):
    raise Http404("Not built yet")


def service_edit(request, *args, **kwargs):
    raise Http404("Not built yet")
