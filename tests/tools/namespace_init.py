# -*- coding: utf-8 -*-
"""PID 1 of a test worker's PID namespace (tests/tools/isolated-python).

Runs the command given (the pytest-xdist worker) as its child and reaps every orphan the tests
leave behind (daemons they start and stop: PM2, nginx, HTTP servers), as an init does: without a
reaper those would stay zombies and look alive to the tests that check a process is gone. Passes
termination signals on to the worker and exits with its status; the kernel then ends what is left.
"""

from __future__ import annotations

import os
import signal
import sys


def main(argv):
    if len(argv) < 2:
        sys.stderr.write('usage: namespace_init.py PROGRAM [ARGS...]\n')
        return 2
    worker = os.fork()
    if worker == 0:
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, signal.SIG_DFL)
        os.execv(argv[1], argv[1:])
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda number, _frame: os.kill(worker, number))
    while True:
        try:
            pid, status = os.waitpid(-1, 0)
        except ChildProcessError:
            return 1
        except InterruptedError:
            continue
        if pid == worker:
            code = os.waitstatus_to_exitcode(status)
            return code if code >= 0 else 128 - code


if __name__ == '__main__':
    sys.exit(main(sys.argv))
