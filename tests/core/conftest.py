"""The page cache's backends: each cache test runs on local memory and on Redis."""

import pytest
import redis
from django.core.cache import cache

from ..tools import missing_tool, redis_url_for_tests

# A Redis database of its own per test run: CI runs the PostgreSQL and SQLite suites side by side,
# and each clears its cache between tests.
TEST_REDIS_URL = redis_url_for_tests()


def redis_available():
    try:
        return redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        return False


@pytest.fixture(params=["locmem", "redis"])
def page_cache(request, settings):
    if request.param == "redis":
        if not redis_available():
            missing_tool(f"Redis is not running at {TEST_REDIS_URL}: apt-get install redis-server (.ci/run starts it)")
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": TEST_REDIS_URL,
            }
        }
    cache.clear()
    yield request.param
    cache.clear()
