"""What staff decided on an officer's work (core.review): the top of the phone's home page, the
counts, and the answer the phone's outbox reconciles its delivered items with (by client id).

One list for the three things an officer sends that staff review: a report (LAP), a KIM proposal
(USL) and an activity entry (AKT). Plans (REN) are not reviewed.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.review import Review
from coverage.models import FieldReport, FieldSubmission
from registry.models import Kim, KimActivity

# Accepted items stay on the home page this long; refused ones until they are corrected.
RECENT_DAYS = 30
RECENT_ACCEPTED = 10

KIND_LABELS = {"report": _("Laporan kegiatan"), "proposal": _("Usulan KIM"), "activity": _("Aktivitas KIM")}


@dataclass(frozen=True)
class Decision:
    kind: str  # "report", "proposal" or "activity": the outbox's kinds
    client_id: UUID | None
    receipt: str
    title: str
    status: str  # Review.ACCEPTED or Review.REFUSED
    status_label: str
    reason: str
    reviewed_at: datetime
    url: str  # the receipt page
    fix_url: str  # the form prefilled with what was sent ("" once corrected, or without a client id)
    corrected: bool

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def is_refused(self) -> bool:
        return self.status == Review.REFUSED

    def as_json(self) -> dict:
        return {
            "kind": self.kind,
            "status": self.status,
            "label": self.status_label,
            "reason": self.reason,
            "receipt": self.receipt,
            "url": self.url,
            "fix_url": self.fix_url,
            "corrected": self.corrected,
        }


def activity_url(activity: KimActivity) -> str:
    return reverse("field:activity-detail", args=[activity.pk])


def submission_url(submission: FieldSubmission) -> str:
    return reverse("field:submission-detail", args=[submission.pk])


def fix_url(name: str, client_id, corrected: bool, status: str) -> str:
    """Where "Perbaiki dan kirim ulang" leads: form `name` prefilled from refused item `client_id`."""
    if status != Review.REFUSED or corrected or client_id is None:
        return ""
    return f"{reverse(name)}?perbaiki={client_id}"


def _decided(queryset, since):
    """Decided items: every refusal not yet corrected, and what was decided since `since`."""
    corrected = Exists(queryset.model.objects.filter(corrects=OuterRef("pk")))
    decided = queryset.exclude(review_status=Review.WAITING).annotate(corrected=corrected)
    return decided.filter(Q(review_status=Review.REFUSED, corrected=False) | Q(reviewed_at__gte=since))


def decisions_for(user, *, now: datetime | None = None) -> list[Decision]:
    """What staff decided on `user`'s reports, KIM proposals and activity entries: refusals still
    to be corrected, then what was decided in the last RECENT_DAYS, newest first."""
    since = (now or timezone.now()) - timedelta(days=RECENT_DAYS)
    found = []
    reports = FieldReport.objects.filter(submitted_by=user).select_related("event")
    for report in _decided(reports, since):
        found.append(
            Decision(
                kind="report",
                client_id=report.client_id,
                receipt=report.receipt or "",
                title=report.event.title,
                status=report.review_status,
                status_label=report.get_review_status_display(),
                reason=report.review_reason,
                reviewed_at=report.reviewed_at,
                url=report.get_absolute_url(),
                fix_url=fix_url("field:report-new", report.client_id, report.corrected, report.review_status),
                corrected=report.corrected,
            )
        )
    kims = Kim.objects.filter(proposed_by=user).select_related("field_submission")
    for kim in _decided(kims, since):
        submission = getattr(kim, "field_submission", None)
        client_id = submission.client_id if submission else None
        found.append(
            Decision(
                kind="proposal",
                client_id=client_id,
                receipt=submission.receipt or "" if submission else "",
                title=kim.name,
                status=kim.review_status,
                status_label=kim.get_review_status_display(),
                reason=kim.review_reason,
                reviewed_at=kim.reviewed_at,
                url=submission_url(submission) if submission else "",
                fix_url=fix_url("field:kim-propose", client_id, kim.corrected, kim.review_status),
                corrected=kim.corrected,
            )
        )
    activities = KimActivity.objects.filter(entered_by=user, client_id__isnull=False).select_related("kim")
    for activity in _decided(activities, since):
        found.append(
            Decision(
                kind="activity",
                client_id=activity.client_id,
                receipt=activity.receipt,
                title=f"{activity.kim.name}: {activity.get_kind_display()}",
                status=activity.review_status,
                status_label=activity.get_review_status_display(),
                reason=activity.review_reason,
                reviewed_at=activity.reviewed_at,
                url=activity_url(activity),
                fix_url=fix_url("field:activity-new", activity.client_id, activity.corrected, activity.review_status),
                corrected=activity.corrected,
            )
        )
    epoch = timezone.make_aware(datetime(2000, 1, 1))
    found.sort(key=lambda d: d.reviewed_at or epoch, reverse=True)
    return found


def home_decisions(decisions: list[Decision]) -> dict:
    """The home page's top: refusals to correct (all of them), then recent acceptances."""
    accepted = [d for d in decisions if d.status == Review.ACCEPTED]
    return {
        "to_fix": [d for d in decisions if d.is_refused and not d.corrected],
        "accepted": accepted[:RECENT_ACCEPTED],
        "accepted_count": len(accepted),
    }


def by_client_id(decisions: list[Decision]) -> dict[str, dict]:
    """The phone's view: {client id: decision}, for the outbox to reconcile its delivered items."""
    return {str(d.client_id): d.as_json() for d in decisions if d.client_id}
