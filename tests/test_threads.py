"""Thread settings per learner (course/threads.py): numpy's pool at one thread, TensorFlow's at
the container's CPU limit, and whatever is already set kept."""

from __future__ import annotations

import pytest

from course.threads import BLAS_VARIABLES, TENSORFLOW_VARIABLES, cpu_limit, main, thread_settings

pytestmark = pytest.mark.pure


def cgroup_v2(tmp_path, cpu_max: str):
    (tmp_path / "cpu.max").write_text(cpu_max + "\n")
    return tmp_path


def test_a_v2_quota_is_read_as_cpus(tmp_path):
    assert cpu_limit(cgroup_v2(tmp_path, "150000 100000")) == 1.5


def test_no_quota_is_no_limit(tmp_path):
    assert cpu_limit(cgroup_v2(tmp_path, "max 100000")) is None
    assert cpu_limit(tmp_path / "missing") is None


def test_a_v1_quota_is_read_too(tmp_path):
    (tmp_path / "cpu").mkdir()
    (tmp_path / "cpu" / "cpu.cfs_quota_us").write_text("200000\n")
    (tmp_path / "cpu" / "cpu.cfs_period_us").write_text("100000\n")
    assert cpu_limit(tmp_path) == 2.0
    (tmp_path / "cpu" / "cpu.cfs_quota_us").write_text("-1\n")
    assert cpu_limit(tmp_path) is None


def test_without_a_limit_only_numpy_is_capped(tmp_path):
    settings = thread_settings({}, cgroup_v2(tmp_path, "max 100000"), cpus=64)
    assert settings == {name: "1" for name in BLAS_VARIABLES}


def test_tensorflow_gets_the_containers_cpus_rounded_up(tmp_path):
    settings = thread_settings({}, cgroup_v2(tmp_path, "150000 100000"), cpus=64)
    assert [settings[name] for name in TENSORFLOW_VARIABLES] == ["2", "2"]
    assert thread_settings({}, cgroup_v2(tmp_path, "50000 100000"), cpus=64)["TF_NUM_INTRAOP_THREADS"] == "1"


def test_a_limit_as_large_as_the_machine_changes_nothing_for_tensorflow(tmp_path):
    settings = thread_settings({}, cgroup_v2(tmp_path, "800000 100000"), cpus=8)
    assert not set(TENSORFLOW_VARIABLES) & set(settings)


def test_what_is_set_already_is_kept(tmp_path):
    environ = {"OMP_NUM_THREADS": "4", "TF_NUM_INTRAOP_THREADS": "3"}
    settings = thread_settings(environ, cgroup_v2(tmp_path, "100000 100000"), cpus=8)
    assert "OMP_NUM_THREADS" not in settings and "TF_NUM_INTRAOP_THREADS" not in settings
    assert settings["OPENBLAS_NUM_THREADS"] == "1" and settings["TF_NUM_INTEROP_THREADS"] == "1"


def test_main_prints_export_lines(capsys, monkeypatch):
    for name in BLAS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    assert main([]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "export OMP_NUM_THREADS=1" in lines
    assert all(line.startswith("export ") for line in lines)
