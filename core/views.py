from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control, never_cache

from .models import MailPreference
from .notifications import user_of_token


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


@never_cache
def mail_preference(request, token):
    """The link at the end of every mail: turn the portal's e-mail off (or on again), no login
    needed; the signed token names the user. A GET only shows the choice; a POST makes it."""
    user = user_of_token(token)
    if user is None:
        return render(request, "core/mail_preference.html", {"invalid": True}, status=404)
    if request.method == "POST":
        MailPreference.choose(user, receives_mail=request.POST.get("receives_mail") == "1")
        return redirect(request.path)
    context = {"receives_mail": MailPreference.receives(user), "name": user.get_full_name() or user.get_username()}
    return render(request, "core/mail_preference.html", context)
