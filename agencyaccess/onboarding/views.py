"""The link page and the connect -> choose -> grant flow (being built)."""

from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404


link_page = set_language = connect = assets = skip = done = platform_connected = _todo
