"""Each lesson's execution time and its kernel's peak memory.

Runs every written lesson top to bottom in a fresh kernel (as nbval and a learner's "Run All"
do), timing it and sampling the kernel process's resident memory every 50 ms.

    .venv/bin/python benchmarks/course_run.py
Budgets (design.md): the whole course under 3 minutes on 2 cores, any lesson under 60 s and
1.2 GB.
"""

from __future__ import annotations

import json
import os
import pathlib
import sys
import threading
import time

import nbformat
import psutil
from jupyter_client import KernelManager
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from course.lessons import ready_lessons  # noqa: E402


class PeakMemory(threading.Thread):
    """Samples a process tree's resident memory until stopped; keeps the peak."""

    def __init__(self, pid: int, every: float = 0.05):
        super().__init__(daemon=True)
        self.process, self.every, self.peak = psutil.Process(pid), every, 0
        self.done = threading.Event()

    def run(self):
        while not self.done.is_set():
            try:
                tree = [self.process, *self.process.children(recursive=True)]
                self.peak = max(self.peak, sum(p.memory_info().rss for p in tree))
            except psutil.Error:
                pass
            time.sleep(self.every)


def run_lesson(path: pathlib.Path) -> dict:
    notebook = nbformat.read(path, as_version=4)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", TF_ENABLE_ONEDNN_OPTS="0")
    manager = KernelManager(kernel_name="python3")
    manager.start_kernel(cwd=str(path.parent), env=env)
    sampler = PeakMemory(manager.provisioner.process.pid)
    sampler.start()
    start = time.perf_counter()
    try:
        NotebookClient(notebook, km=manager, timeout=300, resources={"metadata": {"path": str(path.parent)}}).execute()
    finally:
        seconds = time.perf_counter() - start
        sampler.done.set()
        sampler.join()
        manager.shutdown_kernel(now=True)
    return {"lesson": path.name, "seconds": round(seconds, 1), "peak_mb": round(sampler.peak / 1e6)}


def main():
    results = [run_lesson(ROOT / lesson.notebook) for lesson in ready_lessons()]
    for r in results:
        print(f"{r['lesson']:<45}{r['seconds']:>7} s{r['peak_mb']:>7} MB")
    total = sum(r["seconds"] for r in results)
    print(f"{'whole course':<45}{round(total, 1):>7} s{max(r['peak_mb'] for r in results):>7} MB peak")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    (out / "course_run.json").write_text(json.dumps({"lessons": results, "total_seconds": round(total, 1)}, indent=2))


if __name__ == "__main__":
    main()
