"""The engine of the Keras shapes course.

The engine is the top of ``course/``: ``shapes`` (pure shape maths), ``data``, ``models``,
``training``, ``recurrent`` and ``figures``, with the shape doctor in ``course.diagnose``. Above it,
``course.experiments`` holds the measured demonstrations the lessons run and ``course.lessons`` the
lessons' content (the lesson map, cheat sheet, quizzes and exercises). ``course.server``,
``course.colab`` and ``course.environment`` deliver the course, under the names outsiders type.

Importing ``course`` (or ``course.shapes``, ``course.data``, ``course.lessons``) never imports
TensorFlow: the functions that need Keras import it when they are first called, so the shape
maths works in a small environment and starts in a blink.
"""

__version__ = "0.1.0"
