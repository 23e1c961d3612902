# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Private to the tank.monitoring collection: no compatibility promise outside it.

"""Running a check: hard wall-clock timeout, errors turned into ``unknown``, secrets scrubbed.

``run_check()`` is the in-process entry point (a later ``audit`` module calls it for every
check of a host inside one module invocation); ``CheckModule`` is the thin Ansible wrapper
every ``*_check`` module uses.
"""

from __future__ import annotations

import threading
import traceback

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.tank.monitoring.plugins.module_utils._contract import (
    FAIL_ON_CHOICES,
    CheckResult,
    format_number,
    should_fail,
)
from ansible_collections.tank.monitoring.plugins.module_utils._check import CheckInputError, Deadline, MissingLibrary, scrub
from ansible_collections.tank.monitoring.plugins.module_utils._thresholds import ThresholdError, resolve


def common_argument_spec(default_timeout=30.0):
    """Options every check module has; documented by the ``tank.monitoring.common`` fragment."""
    return dict(
        thresholds=dict(type='dict', default={}),
        fail_on=dict(type='str', default='never', choices=list(FAIL_ON_CHOICES)),
        timeout=dict(type='float', default=default_timeout),
    )


def run_check(check, logic, params, catalogue, thresholds=None, timeout=30.0, secrets=None):
    """Run ``logic(params, result, deadline)`` under a hard timeout; return the result dict.

    Never raises for a failing check: exceptions become ``unknown`` findings. Raises
    ``CheckInputError`` / ``ThresholdError`` for invalid options, which the caller reports.
    """
    if timeout is None or timeout <= 0:
        raise CheckInputError('timeout must be a positive number of seconds, got %r' % (timeout,))
    result = CheckResult(check, catalogue, resolve(check, thresholds))
    deadline = Deadline(timeout)
    outcome = {}

    def target():
        try:
            logic(params, result, deadline)
        except (CheckInputError, ThresholdError) as exc:
            outcome['input_error'] = exc
        except MissingLibrary as exc:
            result.unknown('missing_library', missing_required_lib(exc.library, reason=exc.reason, url=exc.url),
                           subject=exc.library, reason='missing_library')
        except PermissionError as exc:
            result.unknown('permission_denied', 'Permission denied: %s' % (exc,), reason='permission_denied')
        except Exception as exc:  # pylint: disable=broad-except
            # A check never raises into Ansible: an unexpected error is an unknown result.
            result.unknown('error', '%s: %s' % (type(exc).__name__, exc), reason='error')
            outcome['traceback'] = traceback.format_exc()

    # A daemon thread can be abandoned when a call hangs past the deadline (the process exits
    # at module end); work that can block in the kernel belongs in a killable subprocess.
    worker = threading.Thread(target=target, name='tank-check-%s' % check)
    worker.daemon = True
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        result.unknown('timeout', 'The %s check did not finish within %s seconds.' % (check, format_number(timeout, 1)),
                       reason='timeout', subject=check)
    if 'input_error' in outcome:
        raise outcome['input_error']
    data = result.finish().as_dict()
    if 'traceback' in outcome:
        data['exception'] = outcome['traceback']
    return scrub(data, secrets)


class CheckModule(object):
    """Thin wrapper: common options injected, check run, ``changed`` always false."""

    def __init__(self, check, logic, catalogue, argument_spec=None, default_timeout=30.0, secret_options=(),
                 **kwargs):
        spec = common_argument_spec(default_timeout)
        spec.update(argument_spec or {})
        self.check = check
        self.logic = logic
        self.catalogue = catalogue
        self.secret_options = secret_options
        self.module = AnsibleModule(argument_spec=spec, supports_check_mode=True, **kwargs)

    def run(self):
        module = self.module
        params = module.params
        secrets = [params.get(name) for name in self.secret_options]
        try:
            data = run_check(self.check, self.logic, params, self.catalogue, params['thresholds'],
                             params['timeout'], secrets=secrets)
        except (CheckInputError, ThresholdError) as exc:
            module.fail_json(msg=scrub(str(exc), secrets))
        exception = data.pop('exception', None)
        if exception:
            # Visible with -vvv; kept out of the result itself.
            module.debug(exception)
        if should_fail(data['status'], params['fail_on']):
            message = 'The %s check reported %s (fail_on=%s).' % (self.check, data['status'], params['fail_on'])
            module.fail_json(msg=message, changed=False, **data)
        module.exit_json(changed=False, **data)
