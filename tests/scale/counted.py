"""A task whose every run leaves a trace that can be counted (tests/scale/test_two_servers.py).

Each run appends one line to a file opened with O_APPEND: a single write() of a short line to
such a file is atomic on a local filesystem, so lines from two worker processes never interleave.
The line names the task's number, its result id and the worker that claimed it.
"""

from __future__ import annotations

import os
import time

from django_tasks import task

# Long enough that one worker cannot drain the queue before the other has looked at it.
RUN_SECONDS = 0.1


@task(takes_context=True)
def record_run(context, path: str, number: int) -> str:
    worker = context.task_result.worker_ids[-1]
    time.sleep(RUN_SECONDS)
    line = f"{number} {context.task_result.id} {worker}\n".encode()
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, line)
    finally:
        os.close(descriptor)
    return worker
