# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Private to the tank.monitoring collection: no compatibility promise outside it.

"""What one audit learns about its host once and shares between checks: a per-process memo.

The audit module fills it in its own process (for example ``_pm2.prefetch``: one ``pm2 jlist``)
before it forks the checks; each forked check inherits a copy and reads it with ``recall``. A check
run on its own finds the memo empty and asks for itself. Entries carry the moment they were taken,
so a reader can refuse a stale one.
"""

from __future__ import annotations

import time


class HostContext(object):
    """A memo keyed by tuples; values are whatever the producer and its readers agree on."""

    def __init__(self):
        self._entries = {}

    def remember(self, key, value):
        self._entries[key] = (time.monotonic(), value)

    def recall(self, key, max_age=None):
        """The remembered value, or None when there is none or it is older than ``max_age`` seconds."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        taken, value = entry
        if max_age is not None and time.monotonic() - taken > max_age:
            return None
        return value

    def forget(self, key=None):
        """Drop one entry, or all of them."""
        if key is None:
            self._entries.clear()
        else:
            self._entries.pop(key, None)


# The one memo of this process.
HOST_CONTEXT = HostContext()
