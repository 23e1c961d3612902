# -*- coding: utf-8 -*-
"""Unit test settings: the hypothesis profile of the fuzz suites (tests/unit/test_fuzz_*.py).

``derandomize=True``: every run (CI included) tries the same examples, so a failure reproduces and
a green run stays green; no example database is written into the checkout. ``deadline=None``: a
slow first call (a lazy import, a compiled regex) on a busy 2-core machine is not a failure. The
examples per property stay modest (``max_examples`` set per test) so the whole fuzz suite runs in
well under a minute. ``HYPOTHESIS_PROFILE=explore`` runs more, random examples locally.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile('ci', derandomize=True, deadline=None, database=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
settings.register_profile('explore', deadline=None, max_examples=1000,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
settings.load_profile(os.environ.get('HYPOTHESIS_PROFILE', 'ci'))
