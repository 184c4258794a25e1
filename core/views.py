from django.http import HttpResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """ "ok" without touching the database: for load balancers and the benchmark."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
