"""The shape doctor: will this data fit this model, will these targets train it, and what to change.

- ``diagnose(x, model, y=None, batch_size=None)`` (``verdict``; ``multi`` for models with several
  inputs or outputs, ``x`` and ``y`` then a list or a dict by name) predicts whether a built Keras
  model accepts data of that shape (and trains on those targets with its compiled loss), without
  running the model on the learner's data; it names the mistake, says which side to change (data,
  targets, model, loss or training) and gives each fix as data (``Fix``, in ``fixes``) with its code.
- Every fix is tried with Keras before it is offered (``verify``): on zeros of the learner's
  shapes and a copy of the model; a fix Keras refuses is never shown.
- ``explain_error(error, model=None, x=None, y=None)`` (``errors``, with ``context`` and the rule
  modules beside it) turns the errors learners meet into an explanation and a fix; given the model
  and the data it names the layer and the axis at fault from the model's own structure.
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
