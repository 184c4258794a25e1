from django.http import HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.views.decorators.cache import cache_control, never_cache


@never_cache
def healthz(request):
    """ "ok" without touching the database: for load balancers and the benchmark."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


@cache_control(max_age=86400, public=True)
def favicon(request):
    """/favicon.ico, which browsers ask for wherever a page names no icon of its own (a PDF, an
    API answer, an old admin page in a tab): the portal's icon. A temporary redirect, because the
    icon's address changes with its content (hashed static names)."""
    return redirect(static("img/favicon.svg"))
