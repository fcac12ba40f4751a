"""Guided steps for services without an API (being built)."""

from django.http import Http404


def steps(request, link_id, service):
    raise Http404
