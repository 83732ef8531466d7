"""Can this Python run the course? One line that says what to install when it cannot.

The lessons' set-up cell calls :func:`prepare`, and ``make lab`` runs this module before it starts
JupyterLab, so an unsupported Python or a missing TensorFlow is reported as a single sentence,
never as a traceback from deep inside an import. :func:`prepare` also quiets TensorFlow's start-up
chatter; this is the one place that does it for the lessons.

Nothing here imports TensorFlow (it is found, not imported), and the module runs on any Python 3,
so even a Python too old for the rest of the course gets the sentence::

    python -m course.environment                  # the whole check; exit status 1 when it fails
    python -m course.environment --python-only    # the interpreter alone (before a venv exists)
"""

import os
import sys
from importlib import util

__all__ = [
    "SUPPORTED_PYTHONS",
    "MIN_TENSORFLOW",
    "python_problem",
    "tensorflow_problem",
    "problem",
    "quiet_tensorflow",
    "figures_problem",
    "prepare",
]

#: The Python versions with a TensorFlow release the course runs on (3.14 has none yet).
SUPPORTED_PYTHONS = ((3, 11), (3, 12), (3, 13))
#: The first TensorFlow whose ``tf.keras`` is Keras 3 (pyproject's floor).
MIN_TENSORFLOW = (2, 16)
#: Distributions that provide the ``tensorflow`` module.
TENSORFLOW_DISTRIBUTIONS = ("tensorflow", "tensorflow-cpu", "tensorflow-macos", "tensorflow-intel", "tf-nightly")
#: What TensorFlow reads at import to start quietly.
QUIET_TENSORFLOW = {"TF_CPP_MIN_LOG_LEVEL": "2", "TF_ENABLE_ONEDNN_OPTS": "0"}

INSTALL_TENSORFLOW = 'pip install "tensorflow>=2.16.1" (or tensorflow-cpu on Linux x86-64 and Windows)'


def _dotted(version):
    return ".".join(str(part) for part in version)


def python_problem(version_info=None):
    """One sentence if this Python cannot run the course, else None."""
    version = tuple((version_info or sys.version_info)[:2])
    if version in SUPPORTED_PYTHONS:
        return None
    choices = ", ".join(_dotted(v) for v in SUPPORTED_PYTHONS[:-1]) + " or " + _dotted(SUPPORTED_PYTHONS[-1])
    why = " (TensorFlow has no release for it yet)" if version > SUPPORTED_PYTHONS[-1] else ""
    return "This is Python {}{}, and the course needs Python {}: install Python {} and use that.".format(
        _dotted(version), why, choices, _dotted(SUPPORTED_PYTHONS[0])
    )


def _tensorflow_version():
    """The installed TensorFlow's version as a tuple, or None where the metadata names none."""
    from importlib import metadata

    for name in TENSORFLOW_DISTRIBUTIONS:
        try:
            text = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
        parts = []
        for piece in text.split(".")[:2]:
            digits = "".join(ch for ch in piece if ch.isdigit())
            parts.append(int(digits or 0))
        return tuple(parts)
    return None


def tensorflow_problem(find_spec=util.find_spec, version=_tensorflow_version):
    """One sentence if TensorFlow is missing or too old, else None; TensorFlow is not imported."""
    if find_spec("tensorflow") is None:
        return "TensorFlow is not installed in this Python ({}): {}, then run this again.".format(
            sys.executable, INSTALL_TENSORFLOW
        )
    found = version()
    if found is not None and found < MIN_TENSORFLOW:
        return "TensorFlow {} is too old for the course (its tf.keras is Keras 2): {}.".format(
            _dotted(found), INSTALL_TENSORFLOW
        )
    return None


def problem(python_only=False):
    """The first thing that stops the course running here, as one sentence, or None."""
    return python_problem() or (None if python_only else tensorflow_problem())


def quiet_tensorflow(environ=None):
    """Ask TensorFlow to start without its log chatter (only where the variables are not set)."""
    environ = os.environ if environ is None else environ
    for name, value in QUIET_TENSORFLOW.items():
        environ.setdefault(name, value)


def _installed_at(module="anywidget"):
    """When ``module`` was installed (its files' time: pip writes them anew), or None."""
    spec = util.find_spec(module)
    if spec is None or not spec.origin:
        return None
    return os.stat(spec.origin).st_mtime


def _kernel_started_at():
    """When this process (the kernel) started, or None where that cannot be read."""
    try:
        import psutil

        return psutil.Process().create_time()
    except Exception:  # noqa: BLE001 - no psutil, or a platform it cannot read
        return None


def binder_url(notebook="notebooks/00_start_here.ipynb"):
    """The address that opens ``notebook`` on mybinder.org, with everything the course needs."""
    from course.colab import REPOSITORY

    return f"https://mybinder.org/v2/gh/{REPOSITORY}/HEAD?urlpath=lab/tree/{notebook}"


def figures_problem(environ=None, installed_at=_installed_at, started_at=_kernel_started_at):
    """One line when the figures cannot draw in this session, with what to do; None otherwise.

    The course's figures are anywidget widgets, and a front-end draws them only if anywidget's
    front-end was there when Jupyter started. On Kaggle the set-up cell is what installs it, after
    Jupyter has started, and Kaggle offers no server restart: every figure would say "Failed to
    load model class 'AnyModel'" while the sliders still work. (Colab loads anywidget's front-end
    from the kernel, so installing it there is enough.)
    """
    environ = os.environ if environ is None else environ
    if "KAGGLE_KERNEL_RUN_TYPE" not in environ:
        return None
    installed, started = installed_at(), started_at()
    if installed is None or (started is not None and installed <= started):
        return None  # in the image from the start, or nothing to tell
    return (
        "The figures cannot draw in this Kaggle session: anywidget was installed after Jupyter "
        "started, and Kaggle loads widget front-ends only at start (the sliders still work). Use a "
        "Kaggle environment that already has anywidget, or open the lesson on Binder: " + binder_url()
    )


def prepare():
    """The lessons' set-up: quiet TensorFlow and say, in one line each, what to install if
    anything, and what to do where the figures cannot draw.

    It returns nothing, so the set-up cell shows nothing where all is well; ``problem()`` and
    ``figures_problem()`` give the sentences to code that wants them.
    """
    quiet_tensorflow()
    for message in (problem(), figures_problem()):
        if message:
            print(message)


def main(argv=None):
    args = sys.argv[1:] if argv is None else argv
    message = problem(python_only="--python-only" in args)
    if message:
        print(message, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
