"""The field officers' area (/petugas/): small, mobile-first pages that work with weak or no signal."""

import hashlib
import json
import uuid
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import LoginView, LogoutView, redirect_to_login
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse, reverse_lazy
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from coverage.models import FieldReport, FieldSubmission, OfficerAssignment, OutreachEvent, ReportPhoto
from coverage.queries import kecamatan_coverage
from registry.models import Kabupaten, Kim, KimActivity

from . import assets, decisions, services
from .forms import (
    ActivityForm,
    PlanEventForm,
    ProposedPengurusFormSet,
    ProposeKimForm,
    ReportForm,
    activity_initial,
    proposal_initial,
    report_initial,
)
from .middleware import wants_json

FIELD_AREA_PERMISSION = "coverage.use_field_area"


def field_officer_required(view):
    """Logged in (else the field login page) and allowed to use the field area (else 403)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            if wants_json(request):
                return JsonResponse({"error": _("Sesi Anda berakhir. Masuk lagi untuk mengirim.")}, status=401)
            return redirect_to_login(request.get_full_path(), reverse("field:login"))
        if not request.user.has_perm(FIELD_AREA_PERMISSION):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def in_chosen_language(view):
    """Answer in the language the user chose with the field area's switch (Django's language cookie).

    The field area lies outside i18n_patterns, where LocaleMiddleware always picks
    Indonesian; its addresses stay the same in both languages, so the pages the
    service worker keeps for offline use keep their addresses too.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language in dict(settings.LANGUAGES):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = view(request, *args, **kwargs)
        patch_vary_headers(response, ["Cookie"])
        return response

    return wrapped


def allows_location(view):
    """Let this page ask for the phone's location (the portal's Permissions-Policy forbids it elsewhere).

    The browser still asks the officer, and only when they tap "Catat lokasi saya".
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(self)"
        return response

    return wrapped


class FieldLoginView(LoginView):
    template_name = "field/login.html"
    next_page = reverse_lazy("field:home")


login = in_chosen_language(FieldLoginView.as_view())
logout = in_chosen_language(LogoutView.as_view(next_page=reverse_lazy("field:login")))


@in_chosen_language
@field_officer_required
def home(request):
    """What staff decided on my work first, then my kecamatan with their coverage today, my overdue
    and upcoming events, my pending KIM."""
    kecamatan = OfficerAssignment.objects.kecamatan_of(request.user)
    codes = set(kecamatan.values_list("code", flat=True))
    today = timezone.localdate()
    # The kabupaten of my kecamatan (one on a kabupaten portal; maybe more on a province portal).
    kabupaten = Kabupaten.objects.in_portal().filter(kecamatan__code__in=codes).distinct() if codes else []
    coverage = [k for kab in kabupaten for k in kecamatan_coverage(kabupaten=kab, on=today).kecamatan]
    planned = OutreachEvent.objects.planned().filter(kecamatan__in=kecamatan).select_related("kecamatan", "desa")
    planned = list(planned.order_by("starts_at"))
    context = {
        "coverage": [k for k in coverage if k.code in codes],
        "overdue": [e for e in planned if e.is_overdue],
        "due_today": [e for e in planned if e.day == today],
        "upcoming": [e for e in planned if e.day > today],
        "pending_kims": Kim.objects.waiting().filter(desa__kecamatan__in=kecamatan).select_related("desa"),
        "activities": KimActivity.objects.filter(entered_by=request.user).select_related("kim")[:RECENT_ACTIVITIES],
        "today": today,
    }
    decided = decisions.decisions_for(request.user)
    context |= decisions.home_decisions(decided)
    context["decisions_json"] = decisions.by_client_id(decided)  # kept with the page for offline use
    return render(request, "field/home.html", context)


RECENT_ACTIVITIES = 10  # the home page stays short however many entries an officer logs


@never_cache
@in_chosen_language
@field_officer_required
def decision_list(request):
    """Staff's decisions on my work by client id, for the phone's outbox to follow (outbox.js)."""
    return JsonResponse({"decisions": decisions.by_client_id(decisions.decisions_for(request.user))})


def _correcting(request, find):
    """The refused item a form opened by "Perbaiki dan kirim ulang" (?perbaiki=<client id>) corrects."""
    client_id = _parse_uuid(request.GET.get("perbaiki"))
    return find(client_id=client_id, user=request.user) if client_id else None


def _correcting_context(refused) -> dict:
    """What a form page says of the refused item it corrects (templates/field/_correcting.html)."""
    if refused is None:
        return {}
    submission = getattr(refused, "field_submission", None)  # a KIM proposal's receipt is its submission's
    return {"correcting": refused, "correcting_receipt": getattr(refused, "receipt", None) or submission.receipt}


@in_chosen_language
@field_officer_required
def activity_new(request):
    """Log what a KIM did; queued by field.js like every field form, stored once per client id."""
    if request.method != "POST":
        refused = _correcting(request, services.refused_activity)
        initial = {"client_id": uuid.uuid4(), **(activity_initial(refused) if refused else {})}
        form = ActivityForm(user=request.user, initial=initial)
        context = {"form": form, **_correcting_context(refused)}
        return render(request, "field/activity_form.html", context)
    form = ActivityForm(request.POST, user=request.user)
    return receive_once(
        request,
        forms=[form],
        find=services.existing_activity,
        store=lambda client_id: services.log_activity(
            user=request.user, **(form.submission() | {"client_id": client_id or uuid.uuid4()})
        ),
        answer=lambda activity, created: _activity_stored(request, activity, created=created),
        refused=lambda: _refused(request, [form], "field/activity_form.html", {"form": form}),
    )


def _activity_stored(request, activity, *, created):
    if wants_json(request):
        body = {
            "status": "created" if created else "duplicate",
            "receipt": activity.receipt,
            "url": decisions.activity_url(activity),
        }
        return JsonResponse(body, status=201 if created else 200)
    messages.success(
        request,
        _("Aktivitas %(kim)s diterima dan menunggu pemeriksaan. Nomor tanda terima: %(receipt)s.")
        % {"kim": activity.kim.name, "receipt": activity.receipt},
    )
    return redirect("field:home")


@in_chosen_language
@field_officer_required
def plan_event(request):
    """Plan an event; queued by field.js like every field form, stored once per client id."""
    if request.method != "POST":
        return _blank(request, PlanEventForm, "field/event_plan.html")
    form = PlanEventForm(request.POST, user=request.user)
    return receive_once(
        request,
        forms=[form],
        find=services.existing_submission,
        store=lambda client_id: services.plan_event(user=request.user, client_id=client_id, event=form.instance),
        answer=lambda submission, created: _stored(
            request, submission, created=created, title=form.instance.title if created else ""
        ),
        refused=lambda: _refused(request, [form], "field/event_plan.html", {"form": form}),
    )


def _stored(request, submission, *, created, title=""):
    """The answer to a plan or proposal stored (or stored before, for a retry)."""
    receipt = submission.receipt if submission else ""
    if wants_json(request):
        url = decisions.submission_url(submission) if submission else reverse("field:home")
        body = {"status": "created" if created else "duplicate", "receipt": receipt, "url": url}
        return JsonResponse(body, status=201 if created else 200)
    text = _("“%(title)s” diterima.") % {"title": title} if title else _("Diterima.")
    if receipt:
        text += " " + _("Nomor tanda terima: %(receipt)s.") % {"receipt": receipt}
    messages.success(request, text)
    return redirect("field:home")


@allows_location
@in_chosen_language
@field_officer_required
def report_new(request):
    """The report form. It is cached by the service worker and submitted by field.js, also offline."""
    refused = _correcting(request, services.refused_report)
    initial = {
        "client_id": uuid.uuid4(),
        "event": request.GET.get("kegiatan"),
        **(report_initial(refused) if refused else {}),
    }
    form = ReportForm(user=request.user, initial=initial)
    return render(request, "field/report_form.html", {"form": form, **_correcting_context(refused)})


def _blank(request, form_class, template):
    """A field form to fill, with the client id the phone keeps for it from draft to receipt."""
    return render(request, template, {"form": form_class(user=request.user, initial={"client_id": uuid.uuid4()})})


def receive_once(request, *, forms, find, store, answer, refused):
    """The one path of everything an officer sends from the phone's outbox (report, plan, proposal,
    activity), stored once per client id.

    A retry of an item already stored (`find(client_id=, user=)`) gets its first answer back
    (`answer(obj, created=False)`) before any validation: the phone may be resending after a lost
    reply. Otherwise every form must be valid, then `store(client_id)` (a service returning
    (obj, created)) writes it; a ValidationError from the service goes onto the first form.
    Anything refused answers `refused()` (400), and the phone keeps the item to be fixed.
    """
    client_id = _parse_uuid(request.POST.get("client_id"))
    if client_id and (found := find(client_id=client_id, user=request.user)):
        return answer(found, created=False)
    if all([form.is_valid() for form in forms]):  # a list: every form shows its errors at once
        try:
            stored, created = store(client_id)
        except ValidationError as error:
            forms[0].add_model_errors(error)
        else:
            return answer(stored, created=created)
    return refused()


def _parse_uuid(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _delivered(request, report, *, created):
    if wants_json(request):
        body = {
            "status": "created" if created else "duplicate",
            "receipt": report.receipt,
            "client_id": str(report.client_id),
            "url": report.get_absolute_url(),
        }
        return JsonResponse(body, status=201 if created else 200)
    messages.success(request, _("Laporan diterima. Nomor tanda terima: %(receipt)s.") % {"receipt": report.receipt})
    return redirect(report)


@allows_location
@in_chosen_language
@field_officer_required
@require_POST
def report_submit(request):
    """Store a report once per client id: a retry gets the first receipt back, never a duplicate."""
    form = ReportForm(request.POST, request.FILES, user=request.user)
    return receive_once(
        request,
        forms=[form],
        find=services.existing_report,
        store=lambda client_id: services.submit_report(user=request.user, **form.submission()),
        answer=lambda report, created: _delivered(request, report, created=created),
        refused=lambda: _refused(request, [form], "field/report_form.html", {"form": form}),
    )


def _error_rows(form, label_prefix=""):
    return [
        {
            "field": form.add_prefix(name) if name in form.fields else "",
            "label": label_prefix + (str(form.fields[name].label) if name in form.fields else ""),
            "messages": msgs,
        }
        for name, msgs in form.errors.items()
    ]


def _refused(request, forms, template, context, *, non_form_errors=()):
    """The officer sees why (400); the phone keeps the item to be fixed, never drops it."""
    if wants_json(request):
        errors = [row for form in forms for row in _error_rows(form, getattr(form, "row_label", ""))]
        if non_form_errors:
            errors.append({"field": "", "label": "", "messages": list(non_form_errors)})
        message = _("Ditolak server. Perbaiki isian berikut lalu kirim lagi.")
        return JsonResponse({"status": "refused", "message": message, "errors": errors}, status=400)
    return render(request, template, context, status=400)


@in_chosen_language
@field_officer_required
def report_list(request):
    """What the server holds, to reconcile with the phone's own list (drawn by field.js)."""
    reports = (
        FieldReport.objects.visible_to(request.user)
        .select_related("event__kecamatan", "submitted_by")
        .annotate(n_photos=Count("photos"))[:200]
    )
    return render(request, "field/report_list.html", {"reports": reports})


@in_chosen_language
@field_officer_required
def report_detail(request, pk):
    report = get_object_or_404(
        FieldReport.objects.visible_to(request.user).select_related(
            "event__kecamatan", "event__desa", "submitted_by", "reviewed_by"
        ),
        pk=pk,
    )
    context = {"report": report, "event": report.event, "kims": report.event.kims.all(), "photos": report.photos.all()}
    if report.submitted_by_id == request.user.pk:
        corrected = report.corrections.exists()
        context["fix_url"] = decisions.fix_url("field:report-new", report.client_id, corrected, report.review_status)
    return render(request, "field/report_detail.html", context)


@in_chosen_language
@field_officer_required
def submission_detail(request, pk):
    """The receipt page of a plan (REN) or a KIM proposal (USL) sent from my phone."""
    submission = get_object_or_404(
        FieldSubmission.objects.filter(submitted_by=request.user).select_related(
            "event__kecamatan", "event__desa", "kim__desa__kecamatan", "kim__reviewed_by"
        ),
        pk=pk,
    )
    kim = submission.kim
    context = {"submission": submission, "pengurus": kim.pengurus.all() if kim else []}
    if kim:
        corrected = kim.corrections.exists()
        context["fix_url"] = decisions.fix_url("field:kim-propose", submission.client_id, corrected, kim.review_status)
    return render(request, "field/submission_detail.html", context)


@in_chosen_language
@field_officer_required
def activity_detail(request, pk):
    """The receipt page of a KIM activity entry (AKT) sent from my phone."""
    activity = get_object_or_404(
        KimActivity.objects.filter(entered_by=request.user, client_id__isnull=False).select_related(
            "kim__desa", "reviewed_by"
        ),
        pk=pk,
    )
    corrected = activity.corrections.exists()
    fix_url = decisions.fix_url("field:activity-new", activity.client_id, corrected, activity.review_status)
    return render(request, "field/activity_detail.html", {"activity": activity, "fix_url": fix_url})


def photo(request, pk):
    """A report photo, for officers of its kecamatan and for staff who may view report photos."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("field:login"))
    photo = get_object_or_404(ReportPhoto.objects.select_related("report__event"), pk=pk)
    in_scope = request.user.has_perm(FIELD_AREA_PERMISSION) and (
        FieldReport.objects.visible_to(request.user).filter(pk=photo.report_id).exists()
    )
    staff_may_view = request.user.is_staff and request.user.has_perm("coverage.view_reportphoto")
    if staff_may_view:  # staff of another kabupaten may not (registry.scope)
        staff_may_view = FieldReport.objects.for_staff(request.user).filter(pk=photo.report_id).exists()
    if not (in_scope or staff_may_view):
        raise PermissionDenied
    try:
        response = FileResponse(photo.image.open("rb"))
    except FileNotFoundError as missing:  # the row outlived its file (lost disk, partial restore)
        raise Http404 from missing
    response["Cache-Control"] = "private, max-age=3600"
    return response


@in_chosen_language
@field_officer_required
def propose_kim(request):
    """Propose a new KIM with its pengurus; queued by field.js, stored once per client id."""
    data = request.POST if request.method == "POST" else None
    refused = _correcting(request, services.refused_proposal) if data is None else None
    initial, members = proposal_initial(refused) if refused else ({}, [])
    form = ProposeKimForm(data, user=request.user, initial={"client_id": uuid.uuid4(), **initial})
    pengurus = ProposedPengurusFormSet(data, instance=form.instance, prefix="pengurus", initial=members)
    pengurus.extra = max(pengurus.extra, len(members))
    context = {"form": form, "pengurus": pengurus, **_correcting_context(refused)}
    if data is None:
        return render(request, "field/kim_propose.html", context)

    def refused():
        for n, row in enumerate(pengurus.forms, start=1):
            row.row_label = _("Pengurus %(n)d: ") % {"n": n}
        rows = [form, *pengurus.forms]
        return _refused(request, rows, "field/kim_propose.html", context, non_form_errors=pengurus.non_form_errors())

    return receive_once(
        request,
        forms=[form, pengurus],
        find=services.existing_submission,
        store=lambda client_id: services.propose_kim(
            user=request.user,
            kim=form.save(commit=False),
            pengurus=pengurus.save(commit=False),
            client_id=client_id,
            corrects=form.cleaned_data["corrects"],
        ),
        answer=lambda submission, created: _stored(
            request, submission, created=created, title=form.instance.name if created else ""
        ),
        refused=refused,
    )


@never_cache
@in_chosen_language
@field_officer_required
def session(request):
    """Who is logged in and a fresh CSRF token, asked by field.js before it sends the phone's queue."""
    return JsonResponse({"username": request.user.get_username(), "csrf_token": get_token(request)})


def _assets_version(names) -> str:
    """Changes whenever one of the cached files changes, so phones drop their old copies."""
    digest = hashlib.sha256()
    for name in names:
        path = finders.find(name)
        digest.update(Path(path).read_bytes() if path else static(name).encode())
    return digest.hexdigest()[:16]


SW_CONFIG = """self.FIELD_SW = {config};
importScripts({script});
"""


@never_cache
@in_chosen_language
def service_worker(request):
    """The service worker, served from /petugas/ so that its scope covers the field area.

    Its version names the language too: after a change of language, pages ask for
    a new worker (`?lang=` in data-sw), which keeps the pages anew in that language.
    """
    config = {
        "version": f"{_assets_version([*assets.KEPT, assets.WORKER])}-{translation.get_language()}",
        "scope": reverse("field:home"),
        "assets": [static(name) for name in assets.KEPT],
        "pages": [
            reverse("field:home"),
            reverse("field:report-new"),
            reverse("field:event-plan"),
            reverse("field:kim-propose"),
            reverse("field:activity-new"),
            reverse("field:report-list"),
        ],
        "network_only": [reverse("field:login"), reverse("field:logout"), reverse("field:session")],
        "fallback": reverse("field:home"),
        "offline_text": str(gettext_lazy("Tidak ada sinyal dan halaman ini belum tersimpan di HP.")),
    }
    body = SW_CONFIG.format(config=json.dumps(config), script=json.dumps(static(assets.WORKER)))
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = reverse("field:home")
    return response
