"""Open311 (filled in below)."""
from django.http import Http404, HttpRequest, HttpResponse


def _todo(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


services = service = requests = request_detail = _todo
