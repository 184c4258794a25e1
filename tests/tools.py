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


def redis_url_for_tests() -> str:
    """The Redis database the cache tests may empty: KIM_TEST_REDIS_URL (CI gives each suite its
    own), and under pytest-xdist one per worker (gw1 takes the number two below gw0's, gw2 four
    below...), since every test starts by emptying it."""
    url = os.environ.get("KIM_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    offset = int(worker.removeprefix("gw") or 0) * 2
    if not offset:
        return url
    base, _, number = url.rpartition("/")
    return f"{base}/{(int(number) - offset) % 16}"
