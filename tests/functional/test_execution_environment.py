# -*- coding: utf-8 -*-
"""Execution environment: the built tarball carries the collection's Python and system requirements
(meta/execution-environment.yml) so that ansible-builder finds them, and the sample
extras/ee/execution-environment.yml makes a valid build context. No container engine runs here:
the image itself is not built; the context's galaxy and introspection steps are run on this
machine instead, the way the Containerfile runs them."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tarfile

import pytest
import yaml

from conftest import BIN, REPO, ansible_env

PYTHON_REQUIREMENTS = ('psutil', 'jmespath', 'oracledb', 'boto3', 'botocore')


def _requirement_names(lines):
    return [line.split('#')[0].strip().split('>')[0].split('<')[0].split('=')[0].split('[')[0].strip().lower()
            for line in lines if line.split('#')[0].strip()]


def _bindep_names(lines):
    return [line.split('#')[0].split('[')[0].strip() for line in lines if line.split('#')[0].strip()]


@pytest.fixture(scope='module')
def tarball(tmp_path_factory):
    out = tmp_path_factory.mktemp('dist')
    subprocess.run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'build', '--force', '--output-path', str(out)],
                   cwd=REPO, check=True, capture_output=True, env=ansible_env())
    (path,) = glob.glob(str(out / 'tank-monitoring-*.tar.gz'))
    return path


def _install(tarball, target, cwd=None, requirements=None):
    cmd = [os.path.join(BIN, 'ansible-galaxy'), 'collection', 'install', '--force', '-p', str(target)]
    cmd += ['-r', requirements] if requirements else [tarball]
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=ansible_env(ANSIBLE_GALAXY_DISABLE_GPG_VERIFY='1'),
                          check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return target


def _introspect(folder, tmp_path):
    pip_out, bindep_out = tmp_path / 'pip.txt', tmp_path / 'bindep.txt'
    proc = subprocess.run([os.path.join(BIN, 'ansible-builder'), 'introspect', str(folder),
                           '--write-pip', str(pip_out), '--write-bindep', str(bindep_out)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = yaml.safe_load(proc.stdout.split('\n', 1)[1])
    return data, pip_out.read_text().splitlines(), bindep_out.read_text().splitlines()


def test_tarball_ships_the_ee_files_not_the_dev_pins(tarball):
    names = tarfile.open(tarball).getnames()
    for shipped in ('meta/execution-environment.yml', 'requirements.txt', 'bindep.txt',
                    'extras/ee/execution-environment.yml', 'extras/ee/requirements.yml'):
        assert shipped in names, shipped
    assert not [n for n in names if n.startswith('requirements/')]
    meta = yaml.safe_load(tarfile.open(tarball).extractfile('meta/execution-environment.yml'))
    assert meta == {'version': 3, 'dependencies': {'python': 'requirements.txt', 'system': 'bindep.txt'}}


def test_collection_requirements_include_the_pinned_versions():
    """The shipped ranges admit the versions the project pins and tests with (requirements/runtime.txt)."""
    from packaging.requirements import Requirement

    pins = {}
    with open(os.path.join(REPO, 'requirements', 'runtime.txt')) as handle:
        for line in handle:
            line = line.split('#')[0].strip()
            if '==' in line:
                name, version = line.split('==')
                pins[name.strip().lower()] = version.strip()
    with open(os.path.join(REPO, 'requirements.txt')) as handle:
        ranges = [Requirement(line.split('#')[0].strip()) for line in handle if line.split('#')[0].strip()]
    assert sorted(r.name for r in ranges) == sorted(PYTHON_REQUIREMENTS)
    for requirement in ranges:
        assert requirement.specifier.contains(pins[requirement.name], prereleases=True), (requirement, pins[requirement.name])


def test_introspect_of_the_installed_tarball_lists_the_requirements(tarball, tmp_path):
    installed = _install(tarball, tmp_path / 'collections')
    data, pip_lines, bindep_lines = _introspect(installed, tmp_path)
    assert sorted(_requirement_names(data['python'])) == sorted(PYTHON_REQUIREMENTS)
    assert all('from collection tank.monitoring' in line for line in data['python'] + data['system'])
    with open(os.path.join(REPO, 'bindep.txt')) as handle:
        declared = _bindep_names(handle.read().splitlines())
    assert declared and sorted(_bindep_names(data['system'])) == sorted(declared)
    for package in ('openssh-clients', 'openssh-client', 'ca-certificates', 'gcc'):
        assert package in declared
    # What the EE's builder stage hands to pip and bindep.
    assert sorted(set(_requirement_names(pip_lines))) == sorted(PYTHON_REQUIREMENTS)
    assert sorted(_bindep_names(bindep_lines)) == sorted(declared)


def test_sample_execution_environment_creates_a_valid_context(tarball, tmp_path):
    ee = tmp_path / 'ee'
    shutil.copytree(os.path.join(REPO, 'extras', 'ee'), str(ee))
    (ee / 'dist').mkdir()
    shutil.copy(tarball, str(ee / 'dist'))
    context = tmp_path / 'context'
    proc = subprocess.run([os.path.join(BIN, 'ansible-builder'), 'create', '-f', str(ee / 'execution-environment.yml'),
                           '--context', str(context), '--output-filename', 'Containerfile'],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    containerfile = (context / 'Containerfile').read_text()
    assert 'ansible-galaxy collection install' in containerfile
    assert 'introspect.py introspect' in containerfile
    build = context / '_build'
    assert (build / 'collections' / os.path.basename(tarball)).is_file()
    galaxy = yaml.safe_load((build / 'requirements.yml').read_text())
    (entry,) = galaxy['collections']
    assert (build / entry['name']).is_file(), 'requirements.yml names %s, not in the context (version bump?)' % entry['name']

    # The galaxy stage, run here as the Containerfile runs it (WORKDIR /build), then the builder
    # stage's introspection of what it installed: the checks' libraries reach the image.
    collections = _install(None, tmp_path / 'usr-share-ansible-collections', cwd=str(build),
                           requirements='requirements.yml')
    assert (collections / 'ansible_collections' / 'tank' / 'monitoring' / 'meta' / 'execution-environment.yml').is_file()
    proc = subprocess.run([sys.executable, str(build / 'scripts' / 'introspect.py'), 'introspect', str(collections)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = yaml.safe_load(proc.stdout.split('\n', 1)[1])
    assert sorted(_requirement_names(data['python'])) == sorted(PYTHON_REQUIREMENTS)
    assert 'openssh-clients' in _bindep_names(data['system'])
