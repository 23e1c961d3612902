# -*- coding: utf-8 -*-
"""The built tarball installs, carries no test/CI clutter, and documents every module."""

from __future__ import annotations

import glob
import os
import subprocess
import tarfile

from conftest import BIN, REPO, ansible_env


def test_tarball_installs_and_modules_are_documented(tmp_path):
    subprocess.run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'build', '--force', '--output-path',
                    str(tmp_path)], cwd=REPO, check=True, capture_output=True, env=ansible_env())
    (tarball,) = glob.glob(str(tmp_path / 'tank-monitoring-*.tar.gz'))
    names = tarfile.open(tarball).getnames()
    assert 'plugins/modules/resources_check.py' in names
    clutter = [n for n in names if n.split('/')[0] in ('tests', '.ci', '.venv', '.build', 'Makefile', 'reports',
                                                       'pytest.ini', '.pytest_cache', 'requirements')]
    assert clutter == []
    target = tmp_path / 'installed'
    subprocess.run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'install', '--force', tarball, '-p', str(target)],
                   check=True, capture_output=True, env=ansible_env())
    env = ansible_env(ANSIBLE_COLLECTIONS_PATH=str(target))
    modules = sorted(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(REPO, 'plugins', 'modules', '*.py')))
    for module in modules:
        doc = subprocess.run([os.path.join(BIN, 'ansible-doc', ), 'tank.monitoring.%s' % module],
                             capture_output=True, text=True, env=env, check=False)
        assert doc.returncode == 0, doc.stderr
        # The checks share the common options; the audit module takes each check's options (thresholds
        # included) inside ``checks``; the other modules document their own.
        options = {'audit': ('fail_on', 'timeout', 'checks'), 'audit_console': ('report', 'lang'),
                   'audit_report_files': ('report', 'dir', 'keep'),
                   'remediate': ('checks',)}.get(module, ('fail_on', 'thresholds', 'timeout'))
        for section in ('OPTIONS', 'EXAMPLES', 'RETURN VALUES') + options:
            assert section in doc.stdout, (module, section)
