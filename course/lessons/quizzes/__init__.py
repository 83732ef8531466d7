"""The lessons' self-checks, one module per lesson (``course.lessons.quizzes.lesson_03`` and so on).

Each quiz is a function of the live widget or run it is graded against; it returns what
``widgets.Quiz`` needs (question, answer function, explanation, options, and feedback aimed at the
likely mistakes), so a lesson's quiz cell is one line and the grading is tested here, not shown.
Nothing in this package imports ipywidgets.
"""
