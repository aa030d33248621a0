"""Public pages (filled in below)."""
from django.http import Http404, HttpRequest, HttpResponse


def _todo(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


rate_by_link = rate_case = results = answers = _todo
