"""The site's own settings, with the benchmark's bare view served beside its pages."""

from registry.settings import *  # noqa: F403

ROOT_URLCONF = "tests.bench.urls"
