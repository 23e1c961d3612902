# -*- coding: utf-8 -*-
# Copyright (c) 2026, tank.monitoring contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Private to the tank.monitoring collection: no compatibility promise outside it.

"""The Ansible side of a check: ``CheckModule`` is all a ``*_check`` module does."""

from __future__ import annotations

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.tank.monitoring.plugins.module_utils._check import CheckInputError
from ansible_collections.tank.monitoring.plugins.module_utils._contract import should_fail
from ansible_collections.tank.monitoring.plugins.module_utils._runner import full_argument_spec, prepare, run_jobs
from ansible_collections.tank.monitoring.plugins.module_utils._secrets import no_log_values


def localized(result, lang):
    """``result`` with its findings' texts in ``lang`` (``_i18n.localize``).

    The catalogue is imported only for a language other than English: a module compiles its
    module_utils from source on every run, and most runs are in English.
    """
    if lang in (None, 'en'):
        return result
    from ansible_collections.tank.monitoring.plugins.module_utils._i18n import localize
    return localize(result, lang)


def hide_secrets(module, secrets):
    """Ansible masks these values everywhere in the result (``invocation`` included); values too short
    to be secrets are left out, or Ansible would mask every "1" of the result."""
    module.no_log_values.update(no_log_values(secrets))


def exit_with(module, data, fail_on, what):
    """Exit with a check-shaped result; fail the task when its status reaches ``fail_on``."""
    exception = data.pop('exception', None)
    if exception:
        # Shown by Ansible with -vvv (the result's ``exception``), never in the default output.
        data['exception'] = exception
    if should_fail(data['status'], fail_on):
        module.fail_json(msg='%s reported %s (fail_on=%s).' % (what, data['status'], fail_on), changed=False, **data)
    module.exit_json(changed=False, **data)


class CheckModule(object):
    """Thin wrapper: the check's options (its spec plus the common ones), run, ``changed`` always false."""

    def __init__(self, spec, **kwargs):
        self.spec = spec
        self.module = AnsibleModule(argument_spec=full_argument_spec(spec), supports_check_mode=True, **kwargs)

    def run(self):
        module = self.module
        try:
            job = prepare(self.spec, module.params)
        except CheckInputError as exc:
            module.fail_json(msg=str(exc))
        hide_secrets(module, job.secrets)
        data = run_jobs([job])[self.spec.name]
        if 'input_error' in data:
            module.fail_json(msg=data['input_error'])
        exit_with(module, localized(data, module.params['lang']), module.params['fail_on'], 'The %s check' % self.spec.name)
