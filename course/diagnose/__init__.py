"""The shape doctor: will this data fit this model, will these targets train it, and what to change.

- ``diagnose(x, model, y=None, batch_size=None)`` (``verdict``) predicts whether a built Keras
  model accepts data of that shape (and trains on those targets with its compiled loss), without
  running the model on data; it names the mistake, says which side to change (data, targets,
  model, loss or training) and gives each fix as data (``Fix``, in ``fixes``) with its code.
- ``explain_error(exc)`` (``errors``) turns the errors learners meet into an explanation and a fix.
- ``explore(model)`` (``explore``) lists any model layer by layer, checked against ``count_params()``.
- ``GALLERY`` and ``reproduce`` (``gallery``): the classic broken set-ups, run for the real error.

TensorFlow is imported only by the functions that need a model.
"""

from .errors import error_summary, explain_error
from .explore import LayerReport, ModelReport, explore
from .fixes import Fix
from .gallery import GALLERY, BrokenSetup, reproduce
from .inputs import parse_shape
from .verdict import Diagnosis, diagnose

__all__ = [
    "Diagnosis",
    "Fix",
    "diagnose",
    "parse_shape",
    "explain_error",
    "error_summary",
    "LayerReport",
    "ModelReport",
    "explore",
    "BrokenSetup",
    "GALLERY",
    "reproduce",
]
