"""How many threads each learner's kernel may start, so that a node's learners share its cores.

numpy's BLAS library (OpenBLAS in numpy's wheels) starts one thread per CPU of the node when it
loads, not per CPU the learner's container may use, and its idle threads keep spinning for a
while after each operation. On a hub several learners' kernels share a node, and every kernel's
pool then competes for the same cores: measured with 8 learners on 2 cores, lesson 06's slider
p95 was 197 ms with the pools as they size themselves and 35 ms with one BLAS thread per kernel.
The lessons' arrays are small: one BLAS thread per kernel costs them nothing.

TensorFlow's own pools (its training, which lesson 03 and lesson 06 time) are sized to the
container's CPU limit where the container has one (a cgroup ``cpu.max`` quota), and left to
TensorFlow otherwise, so the lessons' timings measure what they always measured.

A setting already in the environment wins: an administrator's or a learner's choice is kept.
``binder/start`` and ``make lab`` apply these settings before the server starts, and every
kernel inherits them::

    eval "$(python -m course.threads)"     # prints one ``export NAME=VALUE`` line per setting
"""

from __future__ import annotations

import math
import os
import shlex
import sys
from pathlib import Path

__all__ = ["BLAS_THREADS", "BLAS_VARIABLES", "TENSORFLOW_VARIABLES", "cpu_limit", "thread_settings"]

#: Threads per kernel for numpy's linear algebra.
BLAS_THREADS = 1
#: What OpenBLAS, MKL, BLIS, Apple's Accelerate, OpenMP and numexpr read when they load.
BLAS_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)
#: What TensorFlow reads when it starts its thread pools.
TENSORFLOW_VARIABLES = ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")

CGROUP = Path("/sys/fs/cgroup")


def cpu_limit(cgroup: Path = CGROUP) -> float | None:
    """The CPUs this container may use (its cgroup's quota over its period), or None without a
    limit: cgroup v2's ``cpu.max`` ("max 100000" means none), else v1's ``cpu.cfs_quota_us``."""
    try:
        quota, period = (cgroup / "cpu.max").read_text().split()[:2]
    except (OSError, ValueError):
        try:
            quota = (cgroup / "cpu" / "cpu.cfs_quota_us").read_text().strip()
            period = (cgroup / "cpu" / "cpu.cfs_period_us").read_text().strip()
        except OSError:
            return None
    try:
        quota_us, period_us = int(quota), int(period)
    except ValueError:  # "max": no limit
        return None
    if quota_us <= 0 or period_us <= 0:
        return None
    return quota_us / period_us


def thread_settings(environ=None, cgroup: Path = CGROUP, cpus=None) -> dict[str, str]:
    """The thread settings to add to ``environ`` (default ``os.environ``): every BLAS variable not
    set there, at :data:`BLAS_THREADS`; and where the container has a CPU limit below the
    machine's CPUs, TensorFlow's pools at that limit (rounded up, at least 1)."""
    environ = os.environ if environ is None else environ
    settings = {name: str(BLAS_THREADS) for name in BLAS_VARIABLES if name not in environ}
    limit = cpu_limit(cgroup)
    machine = cpus if cpus is not None else (os.cpu_count() or 1)
    if limit is not None and limit < machine:
        threads = str(max(1, math.ceil(limit)))
        settings.update({name: threads for name in TENSORFLOW_VARIABLES if name not in environ})
    return settings


def main(argv=None) -> int:
    """Print the settings as shell ``export`` lines, for ``eval`` in a start script."""
    for name, value in thread_settings().items():
        print(f"export {name}={shlex.quote(value)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
