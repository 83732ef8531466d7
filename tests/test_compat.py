"""The compatibility tiers: what they run on is what they claim, and Colab keeps its packages.

``make test`` runs this file, the Keras and widget tests and every lesson in two more virtual
environments: one with Google Colab's versions (``binder/compat/colab.txt``, plotly at the course's
floor) and one with the oldest versions ``pyproject.toml`` allows (``binder/compat/floors.py``).
``COURSE_COMPAT`` names the tier; in the main environment this file has nothing to check.
"""

from __future__ import annotations

import os
import sys
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

pytestmark = pytest.mark.compat

TIER = os.environ.get("COURSE_COMPAT")
if TIER not in ("colab", "oldest"):
    pytest.skip("runs in the compatibility tiers only (make test-compat)", allow_module_level=True)

REPO_ROOT = Path(__file__).resolve().parents[1]
COMPAT = REPO_ROOT / "binder" / "compat"
ENVIRONMENT = Path(sys.prefix)
#: What Colab imports at kernel start or before any lesson: upgrading one of these needs a restart.
COLAB_KEEPS = ("tensorflow-cpu", "keras", "numpy", "ipywidgets")

sys.path.insert(0, str(COMPAT))
try:
    import floors
finally:
    sys.path.remove(str(COMPAT))


def pinned(path: Path) -> dict[str, Version]:
    result = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            requirement = Requirement(line)
            (specifier,) = requirement.specifier
            result[canonicalize_name(requirement.name)] = Version(specifier.version)
    return result


def installed(name: str) -> Version:
    return Version(metadata.version(name))


def test_the_tier_runs_on_what_it_was_built_with():
    """Every version recorded when the tier was built is still the one installed (the test tools
    installed afterwards moved none of them)."""
    recorded = pinned(ENVIRONMENT / "tested.txt")
    assert recorded, "the tier's environment records no versions"
    moved = {
        name: (str(version), str(installed(name))) for name, version in recorded.items() if installed(name) != version
    }
    assert not moved, f"versions moved after the tier was built (recorded, installed): {moved}"


@pytest.mark.skipif(TIER != "oldest", reason="the oldest tier")
def test_oldest_tier_runs_every_floor_of_pyproject():
    expected = floors.floors(("cpu",))
    assert {"keras", "numpy", "plotly", "anywidget", "ipywidgets", "tensorflow-cpu"} <= set(expected)
    for name, line in expected.items():
        floor = Version(line.split("==")[1])
        assert installed(name) == floor, f"{name}: pyproject's floor is {floor}, the tier runs {installed(name)}"


@pytest.mark.skipif(TIER != "colab", reason="the Colab tier")
def test_colab_tier_runs_colabs_versions_with_plotly_at_the_floor():
    colab = pinned(COMPAT / "colab.txt")
    for name, version in colab.items():
        if name == "plotly":
            continue
        assert installed(name) == version, f"{name}: Colab has {version}, the tier runs {installed(name)}"
    (floor_line,) = floors.floors().get("plotly", "").split()
    assert installed("plotly") == Version(floor_line.split("==")[1])


@pytest.mark.skipif(TIER != "colab", reason="the Colab tier")
def test_installing_the_course_on_colab_moves_nothing_colab_has_imported():
    """The tier installed the course with pip into Colab's set, dependencies included, as the
    lessons' set-up cell does there; the freeze before and after shows what that changed."""
    before = pinned(ENVIRONMENT / "before-course.txt")
    after = pinned(ENVIRONMENT / "after-course.txt")
    for name in COLAB_KEEPS:
        assert before[name] == after[name], f"installing the course changed {name}: {before[name]} -> {after[name]}"
    changed = sorted(name for name in before if after.get(name) != before[name])
    assert changed == ["plotly"], f"installing the course changed more than plotly: {changed}"
    added = sorted(set(after) - set(before))
    # plotly 6+ needs narwhals, which Colab's plotly 5 did not.
    assert set(added) <= {"narwhals"}, f"installing the course added {added}"
    assert after["plotly"] >= Version(floors.floors()["plotly"].split("==")[1])


@pytest.mark.skipif(TIER != "colab", reason="the Colab tier")
def test_a_fresh_kernel_with_the_widget_libraries_has_not_imported_plotly():
    """Colab imports ipywidgets (and here anywidget) when a kernel starts, not plotly: so the
    set-up cell can upgrade plotly and the lesson imports the new one, without a restart."""
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3")
    try:
        code = "import sys, ipywidgets, anywidget\nprint(sorted(m for m in ('plotly', 'tensorflow', 'keras') if m in sys.modules))"
        lines = []
        client.execute_interactive(
            code, timeout=60, output_hook=lambda msg: lines.append(msg["content"].get("text", ""))
        )
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    assert "".join(lines).strip() == "[]", f"a fresh kernel has imported: {''.join(lines)}"


LESSONS = sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("lesson", LESSONS, ids=[path.name[:2] for path in LESSONS])
def test_every_code_cell_of_the_lesson_runs(lesson, tmp_path):
    """Each lesson run headless, top to bottom, in the tier's versions: no cell raises. What a cell
    prints is checked against the pinned Keras in the main tier (nbval); here Keras's own wording
    may differ from version to version (an error's type and message, a warning), so only errors
    count."""
    import nbclient
    import nbformat

    notebook = nbformat.read(lesson, as_version=4)
    client = nbclient.NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(lesson.parent)}}
    )
    client.execute()
    errors = [
        f"cell {index}: {output.get('ename')}: {output.get('evalue', '')[:300]}"
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]
    assert not errors, "\n".join(errors)
