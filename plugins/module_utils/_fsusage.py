# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Private to the tank.monitoring collection: no compatibility promise outside it.

"""Filesystem space and inode usage, judged the same way by the resources and storage checks."""

from __future__ import annotations

STATVFS_FIELDS = ('f_frsize', 'f_blocks', 'f_bfree', 'f_bavail', 'f_files', 'f_ffree', 'f_favail', 'f_flag')


def statvfs_dict(vfs):
    """An ``os.statvfs`` result as a plain mapping (it can then cross a process boundary)."""
    return dict((name, getattr(vfs, name)) for name in STATVFS_FIELDS)


def usage_percent(used, available):
    """Used share as df computes it: used / (used + available to unprivileged users)."""
    denominator = used + available
    return round(100.0 * used / denominator, 1) if denominator else 0.0


def judge_usage(result, subject, vfs, noun, where):
    """Record space and inode metrics of ``subject`` and judge them.

    Uses the finding ids ``filesystem.used`` / ``filesystem.inodes`` and the thresholds
    ``filesystem_used_percent`` / ``filesystem_inodes_used_percent`` of the calling check.
    """
    if not vfs or not vfs['f_blocks']:
        return
    used = usage_percent(vfs['f_blocks'] - vfs['f_bfree'], vfs['f_bavail'])
    result.metric('filesystem_used_percent', used, subject=subject)
    result.metric('filesystem_size_bytes', vfs['f_blocks'] * vfs['f_frsize'], subject=subject)
    result.metric('filesystem_free_bytes', vfs['f_bavail'] * vfs['f_frsize'], subject=subject)
    result.judge('filesystem.used', 'filesystem_used_percent', used,
                 '{noun} {subject} ({where}) is {value}% full (limit {limit}%).', subject=subject, noun=noun,
                 where=where)
    if vfs['f_files']:
        inodes = usage_percent(vfs['f_files'] - vfs['f_ffree'], vfs['f_favail'])
        result.metric('filesystem_inodes_used_percent', inodes, subject=subject)
        result.judge('filesystem.inodes', 'filesystem_inodes_used_percent', inodes,
                     '{noun} {subject} ({where}) has {value}% of its inodes used (limit {limit}%).',
                     subject=subject, noun=noun, where=where)
