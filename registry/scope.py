"""Which rows a Diskominfo staff member may see and change: those of the kabupaten they work for.

One rule for every model staff handle. Each model names the lookup from itself
to its kabupaten (`register(Kim, "desa__kecamatan__kabupaten")`: registry's
at the end of this module, coverage's next to its models); `for_staff(queryset, user)` keeps the rows of the kabupaten in the
user's scope. The admin applies it everywhere through
`core.admin.StaffScopeMixin` (lists, forms and their choices, autocomplete,
history, import, export), so no admin can forget it.

A user's scope (`staff_scope(user)`):
- a superuser: everything;
- a staff member with assignments (`StaffKabupaten`): the kabupaten assigned,
  and every kabupaten of the province for an assignment marked "whole province"
  (the province coordinator);
- a staff member without assignments on a kabupaten portal: that kabupaten
  (a kabupaten portal's staff are implicitly its staff, so upgrading locks
  nobody out);
- anyone else: nothing (fail closed), with the reason in `StaffScope.why_empty`.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Desa, Kabupaten, Kecamatan, Kim, KimActivity, Pengurus, StaffKabupaten

_PATHS: dict[str, str] = {}  # model label ("registry.kim") -> lookup to its kabupaten
_RULES: dict[str, Callable[[object], Q]] = {}  # model label -> rule giving a Q for a user
_CACHE_ATTRIBUTE = "_kimportal_staff_scope"

NO_ASSIGNMENT = _(
    "Akun Anda belum ditugaskan ke kabupaten/kota mana pun, jadi belum ada data yang bisa Anda lihat. "
    "Minta superuser menambahkan wilayah kerja Anda di halaman pengguna Anda (Wilayah kerja staf)."
)


@dataclass(frozen=True)
class StaffScope:
    """The kabupaten a user may work on: all of them, or these ids (possibly none)."""

    everything: bool
    kabupaten_ids: frozenset[int]
    why_empty: str = ""
    # Where a scoped user works, in words: ("Kabupaten Kotawaringin Timur",) or, for a province
    # coordinator, ("Provinsi Kalimantan Tengah",). Empty for superusers and empty scopes.
    area: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.everything and not self.kabupaten_ids


def _label(model: type[Model] | str) -> str:
    return model.lower() if isinstance(model, str) else model._meta.label_lower


def register(model: type[Model] | str, path: str | None = None, *, rule: Callable[[object], Q] | None = None):
    """Declare how `model` (a class or "app.Model") reaches its kabupaten: a lookup path
    (`"kecamatan__kabupaten"`, `"pk"` for Kabupaten itself) or, where one path is not enough,
    a rule giving a Q for a user."""
    if (path is None) == (rule is None):
        raise ValueError("give a path or a rule")
    if path is not None:
        _PATHS[_label(model)] = path
    else:
        _RULES[_label(model)] = rule


def is_scoped(model: type[Model]) -> bool:
    return _label(model) in _PATHS or _label(model) in _RULES


def staff_scope(user) -> StaffScope:
    """The user's scope, computed once per user object (one request)."""
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is None:
        cached = _compute_scope(user)
        if getattr(user, "pk", None) is not None:
            setattr(user, _CACHE_ATTRIBUTE, cached)
    return cached


def _compute_scope(user) -> StaffScope:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return StaffScope(False, frozenset(), NO_ASSIGNMENT)
    if user.is_superuser:
        return StaffScope(True, frozenset())
    assignments = list(
        StaffKabupaten.objects.filter(user=user).values_list(
            "kabupaten_id", "kabupaten__code", "whole_province", "kabupaten__name", "kabupaten__province_name"
        )
    )
    if not assignments:
        portal = Kabupaten.objects.portal_or_none()
        if portal is not None and user.is_staff:
            return StaffScope(False, frozenset([portal.pk]), area=(portal.name,))
        return StaffScope(False, frozenset(), NO_ASSIGNMENT)
    ids = {kabupaten_id for kabupaten_id, *_rest in assignments}
    province_names = {code.split(".")[0]: province for _id, code, whole, _name, province in assignments if whole}
    provinces = set(province_names)
    area = [gettext("Provinsi %(name)s") % {"name": name} for name in province_names.values()]
    area += [name for _id, code, whole, name, _p in assignments if not whole and code.split(".")[0] not in provinces]
    if provinces:
        in_provinces = Q()
        for province in provinces:
            in_provinces |= Q(code__startswith=f"{province}.")
        ids |= set(Kabupaten.objects.filter(in_provinces).values_list("pk", flat=True))
    return StaffScope(False, frozenset(ids), area=tuple(area))


def staff_q(model: type[Model], user) -> Q | None:
    """The filter keeping `model`'s rows in the user's scope; None when nothing needs filtering.

    A model without a path or rule is not scoped (e.g. tiers, shared by all).
    """
    scope = staff_scope(user)
    if scope.everything or not is_scoped(model):
        return None
    if _label(model) in _RULES:
        return _RULES[_label(model)](user)
    return Q(**{f"{_PATHS[_label(model)]}__in": sorted(scope.kabupaten_ids)})


def kabupaten_q(path: str, user) -> Q:
    """A filter on `path` (a lookup to Kabupaten) for the user's scope, for rules made of several paths."""
    scope = staff_scope(user)
    if scope.everything:
        return Q()
    return Q(**{f"{path}__in": sorted(scope.kabupaten_ids)})


def for_staff(queryset: QuerySet, user) -> QuerySet:
    """The rows of `queryset` the user may see: the one scoping rule."""
    q = staff_q(queryset.model, user)
    return queryset if q is None else queryset.filter(q)


def history_for_staff(records: QuerySet, model: type[Model], user) -> QuerySet:
    """Historical records of `model` (django-simple-history) in the user's scope.

    The historical tables keep the same foreign keys, so the model's path works
    on them; a record whose related rows are gone matches no kabupaten and is
    hidden from everyone but those who see everything (fail closed).
    """
    scope = staff_scope(user)
    if scope.everything or not is_scoped(model):
        return records
    if _label(model) in _RULES:
        ids = for_staff(model._default_manager.all(), user).values("pk")
        return records.filter(**{f"{model._meta.pk.attname}__in": ids})
    return records.filter(**{f"{_PATHS[_label(model)]}__in": sorted(scope.kabupaten_ids)})


# registry's own models and their way to their kabupaten; coverage registers its own beside them.
register(Kabupaten, "pk")
register(Kecamatan, "kabupaten")
register(Desa, "kecamatan__kabupaten")
register(Kim, "desa__kecamatan__kabupaten")
register(Pengurus, "kim__desa__kecamatan__kabupaten")
register(StaffKabupaten, "kabupaten")
register(KimActivity, "kim__desa__kecamatan__kabupaten")
