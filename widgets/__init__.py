"""ipywidgets of the Keras shapes course. Each is a container with traits named as Keras names
them, a ``.figure`` updated in place, ``.model`` where a model is built and ``.code()``.

    from widgets import ShapeExplorer
    ShapeExplorer(features=3, units=8)
"""

from course._memory import freeze_imports
from widgets.batch_explorer import BatchExplorer
from widgets.inventory import ConceptInventory
from widgets.menu import WidgetMenu
from widgets.quiz import Quiz
from widgets.sequence_explorer import SequenceExplorer
from widgets.shape_doctor import ErrorGallery, ShapeDoctor
from widgets.shape_explorer import ShapeExplorer
from widgets.stateful_explorer import StatefulExplorer
from widgets.training_lab import TrainingLab
from widgets.units_explorer import UnitsExplorer
from widgets.window_explorer import WindowExplorer

freeze_imports("widgets")  # plotly's and ipywidgets' objects live as long as the kernel

__all__ = [
    "ShapeExplorer",
    "BatchExplorer",
    "TrainingLab",
    "SequenceExplorer",
    "WindowExplorer",
    "UnitsExplorer",
    "StatefulExplorer",
    "ShapeDoctor",
    "ErrorGallery",
    "Quiz",
    "ConceptInventory",
    "WidgetMenu",
]
