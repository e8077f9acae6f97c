"""Placeholder views: to be implemented."""

from django.http import Http404


def referrals(request, *args, **kwargs):
    raise Http404("Not built yet")


def referral_add(request, *args, **kwargs):
    raise Http404("Not built yet")


def referral_detail(request, *args, **kwargs):
    raise Http404("Not built yet")


def referral_edit(request, *args, **kwargs):
    raise Http404("Not built yet")


def referral_decide_view(request, *args, **kwargs):
    raise Http404("Not built yet")


def referral_close(request, *args, **kwargs):
    raise Http404("Not built yet")


def assessment_add(request, *args, **kwargs):
    raise Http404("Not built yet")


def assessment_edit(request, *args, **kwargs):
    raise Http404("Not built yet")


def assessment_authorise(request, *args, **kwargs):
    raise Http404("Not built yet")


def allocation(request, *args, **kwargs):
    raise Http404("Not built yet")


def caseloads(request, *args, **kwargs):
    raise Http404("Not built yet")
