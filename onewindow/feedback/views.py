"""Staff pages (filled in below)."""
from django.http import Http404, HttpRequest, HttpResponse


def _todo(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


inbox = order_new = order_page = order_act = rectifications = rectification_page = rectification_act = _todo
import_page = pad = _todo
