"""Every answer the phone's queue gets from the field area is JSON, errors included.

field.js sends with `Accept: application/json`. Django answers some failures with
HTML before any field view runs: a request too large or with too many files
(handler400, raised while parsing the body), a CSRF failure (403), an unknown
URL (404), a crash (500). The phone could not read those, so this turns them
into JSON the queue understands: `{"status": "refused" | "error", "message": ...}`.
"""

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import JsonResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils.translation import gettext as _

TOO_LARGE = (RequestDataTooBig, TooManyFilesSent, TooManyFieldsSent)


def wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def json_error(status: int, message: str) -> JsonResponse:
    kind = "refused" if 400 <= status < 500 and status not in (401, 403, 404, 408, 429) else "error"
    return JsonResponse({"status": kind, "message": message, "errors": []}, status=status)


def default_message(status: int) -> str:
    if status == 401:
        return _("Sesi Anda berakhir. Masuk lagi untuk mengirim.")
    if status == 403:
        return _("Akun ini tidak boleh mengirim ke area petugas, atau sesi sudah berganti. Masuk lagi.")
    if status == 404:
        return _("Alamat tujuan tidak ditemukan di server.")
    if status == 413:
        return too_large_message()
    if status < 500:
        return _("Server tidak dapat membaca kiriman ini.")
    return _("Server sedang bermasalah; kiriman tetap di HP dan dicoba lagi nanti.")


def too_large_message() -> str:
    return _("Kiriman terlalu besar atau fotonya terlalu banyak. Kurangi atau perkecil foto, lalu kirim lagi.")


class FieldJsonErrorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = None

    def __call__(self, request):
        self.prefix = self.prefix or reverse("field:home")
        if not (request.path.startswith(self.prefix) and wants_json(request)):
            return self.get_response(request)
        if request.method == "POST":
            try:
                request.FILES  # noqa: B018 - parse now, or Django answers a too large body in HTML
            except TOO_LARGE:
                return json_error(400, too_large_message())
            except (MultiPartParserError, UnreadablePostError):
                return json_error(400, default_message(400))
        response = self.get_response(request)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith("application/json"):
            return json_error(response.status_code, default_message(response.status_code))
        return response
