"""Hypothesis settings for the property-based tests of nnguide.

The ``nnguide`` profile is derandomized and keeps no example database, so every run
tries the same generated inputs: each test's count is its ``max_examples`` (see
``EXAMPLES`` in test_properties.py). Select another profile with
``HYPOTHESIS_PROFILE=<name>``; ``thorough`` multiplies every count by ten.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "nnguide",
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("thorough", parent=settings.get_profile("nnguide"), derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "nnguide"))
