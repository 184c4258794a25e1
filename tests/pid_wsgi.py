"""The portal's WSGI application, saying which worker answered (`X-Worker-Pid`): for tests only,
so that a test driving gunicorn with several workers knows that each of them answered."""

import os

from kimportal.wsgi import application as portal


def application(environ, start_response):
    def start(status, headers, exc_info=None):
        return start_response(status, [*headers, ("X-Worker-Pid", str(os.getpid()))], exc_info)

    return portal(environ, start)
