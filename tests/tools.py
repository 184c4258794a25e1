"""Tests that need a tool outside Python (Chromium, Java, poppler, Redis...)."""

import os

import pytest


def under_ci() -> bool:
    """CI=true (as CI services set it) or KIM_REQUIRE_BROWSER=1: .ci/run, which installs every tool."""
    return any(
        os.environ.get(name, "").lower() not in ("", "0", "false", "no") for name in ("CI", "KIM_REQUIRE_BROWSER")
    )


def missing_tool(message: str):
    """Skip the test on a developer's machine that lacks a tool; FAIL it under CI, where a skip would
    hide an install step .ci/run forgot. Every skip for a missing tool goes through here
    (tests/test_suite.py checks it)."""
    if under_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)
