"""The engine of the Keras shapes course.

Importing ``course`` (or ``course.shapes``, ``course.data``, ``course.lessons``) never imports
TensorFlow: the functions that need Keras import it when they are first called, so the shape
maths works in a small environment and starts in a blink.
"""

__version__ = "0.1.0"
