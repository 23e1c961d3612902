# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Private to the tank.monitoring collection: no compatibility promise outside it.

"""THE secret scrubber: everything that leaves a check (messages, samples, URLs, DSNs) passes here."""

from __future__ import annotations

MASK = '********'


def scrub(value, secrets=None):
    """Replace every known secret string inside ``value`` (recursively) with ``MASK``."""
    secrets = [str(s) for s in (secrets or ()) if s and len(str(s)) >= 3]
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, MASK)
        return value
    if isinstance(value, dict):
        return dict((k, scrub(v, secrets)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [scrub(v, secrets) for v in value]
    return value
