"""Authentication backends, and the client address django-axes locks out."""

import ipaddress

from axes.backends import AxesStandaloneBackend
from django.conf import settings


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lock-out for every login that comes with a request.

    authenticate() without a request (a management command, the test client's
    login()) is no web login attempt and is left to the next backend.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_address(request) -> str | None:
    """The address a login attempt comes from (settings.AXES_CLIENT_IP_CALLABLE).

    With no proxy in front (TRUSTED_PROXY_COUNT = 0) it is the socket's address:
    an X-Forwarded-For header is then whatever the client wrote and is ignored.
    Behind N proxies that each append the address they saw to X-Forwarded-For
    (nginx: `$proxy_add_x_forwarded_for`), it is the N-th address from the right,
    the one the outermost proxy saw; anything left of it came from the client.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if not count:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < count:
        return remote  # not through all the proxies
    try:
        return str(ipaddress.ip_address(forwarded[-count]))
    except ValueError:
        return remote
