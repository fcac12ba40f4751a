"""The intake form (being built)."""

from django.http import Http404


def form(request, link_id):
    raise Http404


def save(request, link_id):
    raise Http404
