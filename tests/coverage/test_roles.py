"""Roles are groups created by migration; the demo users hold them."""

from django.contrib.auth.models import Group

from coverage.models import OfficerAssignment
from kimportal.demo import OFFICER_USERNAME, STAFF_USERNAME


def test_the_admin_role_may_change_kim_and_verify_reports_but_not_rewrite_history(db):
    perms = set(Group.objects.get(name="Admin Diskominfo").permissions.values_list("codename", flat=True))
    assert {"change_kim", "change_fieldreport", "add_officerassignment", "view_historicalkim"} <= perms
    assert "change_historicalkim" not in perms


def test_the_field_officer_role_may_only_use_the_field_area(db):
    perms = list(Group.objects.get(name="Petugas lapangan").permissions.values_list("codename", flat=True))
    assert perms == ["use_field_area"]


def test_the_demo_officer_works_in_parenggean_and_bukit_santuai(demo):
    codes = OfficerAssignment.objects.filter(user__username=OFFICER_USERNAME).values_list("kecamatan__code", flat=True)
    assert sorted(codes) == ["62.02.04", "62.02.15"]


def test_the_demo_users_hold_their_roles(demo):
    assert Group.objects.get(name="Petugas lapangan").user_set.filter(username=OFFICER_USERNAME).exists()
    assert Group.objects.get(name="Admin Diskominfo").user_set.filter(username=STAFF_USERNAME).exists()
