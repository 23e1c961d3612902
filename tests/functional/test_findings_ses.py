# -*- coding: utf-8 -*-
"""ses_check findings not covered by test_ses.py, caused for real against a moto server: a host
where no AWS credentials exist at all (no options, no backend .env file, empty AWS config and
credentials files, no instance metadata) -> ``ses.credentials.missing``."""

from __future__ import annotations

import os

import pytest

from ses_support import MotoSes

from ansible_collections.tank.monitoring.plugins.module_utils import _ses

MODULE = 'tank.monitoring.ses_check'
NO_CREDENTIALS_ENV = {'AWS_EC2_METADATA_DISABLED': 'true', 'AWS_CONFIG_FILE': '/dev/null',
                      'AWS_SHARED_CREDENTIALS_FILE': '/dev/null', 'NO_PROXY': '127.0.0.1,localhost',
                      'no_proxy': '127.0.0.1'}


@pytest.fixture
def moto():
    server = MotoSes()
    try:
        server.reset()
        yield server
    finally:
        server.stop()


@pytest.mark.finding('ses.credentials.missing')
def test_host_without_any_aws_credentials(run_module, moto, tmp_path):
    assert not [name for name in os.environ if name.startswith(('AWS_ACCESS', 'AWS_SECRET', 'AWS_SESSION', 'AWS_PROFILE'))]
    env_file = tmp_path / 'backend.env'
    env_file.write_text('PORT=3000\nDB_HOST=127.0.0.1\n')  # the backend's .env, with no AWS keys in it
    result, _run = run_module(MODULE, {'endpoint_url': moto.url, 'region': 'eu-west-1', 'env_file': str(env_file)},
                              env=NO_CREDENTIALS_ENV)
    assert result.get('status') == 'unknown', result
    assert [f['id'] for f in result['findings']] == ['ses.credentials.missing'], result['findings']
    finding = result['findings'][0]
    assert finding['reason'] == 'error' and 'No AWS credentials found' in finding['message']
    assert finding['remedy'] == _ses.CATALOGUE['credentials.missing'].remedy
