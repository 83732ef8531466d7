"""Every lesson opens on Google Colab and Kaggle: an "Open in Colab" link and a set-up cell.

The set-up cell is the first code cell of every lesson. On Colab or Kaggle it installs the course
from the repository with pip; everything the course needs that those runtimes already have
(TensorFlow, Keras, numpy, ipywidgets, anywidget) satisfies its ranges, so pip leaves it alone and
no runtime restart is needed (only plotly moves, and no kernel has imported plotly yet). Anywhere
else it installs nothing. Everywhere, it then calls :func:`course.environment.prepare`, which quiets
TensorFlow's start-up chatter and says in one line what to install if this Python cannot run the
course.

:func:`apply` writes both into a lesson, and running it again changes nothing::

    python -m course.colab --apply notebooks/*.ipynb    # write the link and the set-up cell
    python -m course.colab --check notebooks/*.ipynb    # exit status 1 if a lesson lacks them

Pure: no TensorFlow, no ipywidgets, only the standard library.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import sys
from pathlib import Path

__all__ = ["REPOSITORY", "BRANCH", "SETUP_TAG", "colab_url", "colab_link", "setup_cell_source", "apply", "apply_file"]

#: The course's repository on GitHub (pyproject's Homepage; a test keeps them equal).
REPOSITORY = "keras-shapes-course/keras-shapes-course"
#: The branch the links open.
BRANCH = "main"
#: Where the lessons live in the repository.
LESSON_FOLDER = "notebooks"
#: The tag (and cell id) that marks the set-up cell, so a second run finds and keeps it.
SETUP_TAG = "course-setup"

#: The lines every lesson used to start its first code cell with; prepare() does this now.
_QUIET_LINE = re.compile(
    r"""^\s*os\.environ\.setdefault\(\s*["'](TF_CPP_MIN_LOG_LEVEL|TF_ENABLE_ONEDNN_OPTS)["'].*\)\s*$"""
)
_IMPORT_OS = re.compile(r"^\s*import os\s*$")
_USES_OS = re.compile(r"\bos\.")
_COLAB_LINE = re.compile(r"^\[Open in Colab\]\(https://colab\.research\.google\.com/[^)]*\)\s*$")


def colab_url(notebook: str) -> str:
    """The address that opens ``notebook`` (a path from the repository root) in Colab."""
    return f"https://colab.research.google.com/github/{REPOSITORY}/blob/{BRANCH}/{notebook}"


def colab_link(notebook: str) -> str:
    """A Markdown link (text, no remote badge image) that opens ``notebook`` in Colab."""
    return f"[Open in Colab]({colab_url(notebook)})"


def setup_cell_source() -> str:
    """The set-up cell's code."""
    return (
        "# Set-up. On Colab or Kaggle this installs the course (TensorFlow, Keras, numpy and ipywidgets\n"
        "# stay as they are, so no restart); anywhere else it installs nothing. Then it checks that this\n"
        "# Python and TensorFlow can run the course, and says what to install if not.\n"
        "import os\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules or "KAGGLE_KERNEL_RUN_TYPE" in os.environ:\n'
        f'    %pip install -q "keras-shapes-course @ git+https://github.com/{REPOSITORY}"\n'
        "\n"
        "from course.environment import prepare\n"
        "\n"
        "prepare()"
    )


def _lines(text: str) -> list[str]:
    """Text as a notebook stores it: a list of lines, each but the last ending in a newline."""
    return text.splitlines(keepends=True)


def _text(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _is_setup(cell: dict) -> bool:
    return cell["cell_type"] == "code" and SETUP_TAG in cell.get("metadata", {}).get("tags", [])


def _setup_cell() -> dict:
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": SETUP_TAG,
        "metadata": {"tags": [SETUP_TAG]},
        "outputs": [],
        "source": _lines(setup_cell_source()),
    }


def _with_link(markdown: str, notebook: str) -> str:
    lines = markdown.split("\n")
    if lines and _COLAB_LINE.match(lines[0]):
        lines = lines[1:]
        while lines and not lines[0].strip():
            lines = lines[1:]
    return colab_link(notebook) + "\n\n" + "\n".join(lines)


def _without_quieting(code: str) -> str:
    """``code`` without the TensorFlow quieting lines, and without ``import os`` if nothing else
    in it uses ``os``."""
    kept = [line for line in code.split("\n") if not _QUIET_LINE.match(line)]
    if not any(_USES_OS.search(line) for line in kept):
        kept = [line for line in kept if not _IMPORT_OS.match(line)]
    while kept and not kept[0].strip():
        kept = kept[1:]
    return "\n".join(kept)


def apply(notebook: dict, path: str) -> dict:
    """A copy of ``notebook`` (nbformat 4, as JSON data) with the Colab link at the top of its
    first Markdown cell and the set-up cell as its first code cell. ``path`` is the lesson's path
    from the repository root, as the link needs it. Applying it twice gives the same notebook."""
    result = copy.deepcopy(notebook)
    cells = result["cells"]
    markdown = next((cell for cell in cells if cell["cell_type"] == "markdown"), None)
    if markdown is None:
        raise ValueError(f"{path} has no Markdown cell for the Colab link")
    markdown["source"] = _lines(_with_link(_text(markdown), path))

    cells[:] = [cell for cell in cells if not _is_setup(cell)]
    first_code = next((i for i, cell in enumerate(cells) if cell["cell_type"] == "code"), len(cells))
    if first_code < len(cells):
        cell = cells[first_code]
        cell["source"] = _lines(_without_quieting(_text(cell)))
    cells.insert(first_code, _setup_cell())
    return result


def _lesson_path(file: Path) -> str:
    return f"{LESSON_FOLDER}/{file.name}"


def _dump(notebook: dict) -> str:
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"


def apply_file(file: str | Path, write: bool = True) -> bool:
    """Apply to one lesson file; True when it changed (or, with ``write=False``, would change)."""
    file = Path(file)
    text = file.read_text(encoding="utf-8")
    new = _dump(apply(json.loads(text), _lesson_path(file)))
    if new == text:
        return False
    if write:
        file.write_text(new, encoding="utf-8")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m course.colab", description="Colab links and the set-up cell for the lessons."
    )
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--apply", action="store_true", help="write the link and the set-up cell into the lessons")
    mode.add_argument("--check", action="store_true", help="only report the lessons that lack them (exit status 1)")
    parser.add_argument("notebooks", nargs="+", type=Path)
    args = parser.parse_args(argv)
    changed = [file for file in args.notebooks if apply_file(file, write=args.apply)]
    for file in changed:
        print(f"{'updated' if args.apply else 'needs --apply'}: {file}")
    if not changed:
        print(f"all {len(args.notebooks)} lessons already have their Colab link and set-up cell")
    return 1 if (args.check and changed) else 0


if __name__ == "__main__":
    sys.exit(main())
