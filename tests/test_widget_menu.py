"""The WidgetMenu, driven headless: each entry shows its own widget class, built only when chosen;
the widget shown before is closed (its comms and its figures') and let go; a bad choice is a
friendly message; the dropdown, which the keyboard reaches, does what setting ``choice`` does."""

from __future__ import annotations

import gc
import html
import weakref

import ipywidgets as W
import pytest

import widgets
from widgets import WidgetMenu
from widgets._lifecycle import descendants
from widgets.menu import COURSE_ENTRIES, MenuEntry

pytestmark = pytest.mark.widgets


def open_parts(widget) -> list:
    """The parts of ``widget`` (itself included) whose comm is open."""
    return [part for part in descendants(widget) if getattr(part, "comm", None) is not None]


def live_widgets() -> int:
    """Widgets with an open comm in this kernel (ipywidgets 8 keeps them in ``_instances``, 7 in
    ``Widget.widgets``)."""
    instances = getattr(W.widgets.widget, "_instances", None)
    return len(instances) if instances is not None else len(W.Widget.widgets)


@pytest.fixture(scope="module")
def menu(keras):
    # Keras is imported first, as in a lesson: its first import freezes every object alive then
    # (course._memory), and a widget frozen with it would stay for good.
    shown = WidgetMenu()
    shown.open_now()  # as the page shows it: the widget inside opens its comms too
    return shown


def test_the_menu_names_every_course_widget_and_opens_on_the_first(menu):
    assert [value for _label, value in menu.selector.options] == [entry.name for entry in COURSE_ENTRIES]
    assert menu.choice == "ShapeExplorer" and isinstance(menu.current, widgets.ShapeExplorer)
    assert menu.holder.children == (menu.current,)
    assert menu.selector.description, "the dropdown has a name a screen reader reads"
    assert all(name in widgets.__all__ for name in menu.entries)


@pytest.mark.parametrize("entry", COURSE_ENTRIES[1:] + COURSE_ENTRIES[:1], ids=lambda entry: entry.name)
def test_choosing_an_entry_shows_that_widget_and_closes_the_one_before(menu, entry):
    before = menu.current
    before_parts = list(descendants(before))
    assert open_parts(before), "the widget shown had its comms open"
    gone = weakref.ref(before)
    shown = menu.show(entry.name)
    assert type(shown).__name__ == entry.name and shown is menu.current
    assert menu.holder.children == (shown,) and menu.choice == entry.name == menu.selector.value
    assert open_parts(shown), "the new widget is open in the page"
    assert not any(part.comm for part in before_parts), "every part of the widget before is closed"
    assert entry.note in html.unescape(menu.note.value)
    del before, before_parts
    gc.collect()
    assert gone() is None, "the widget before was let go, its models and figures with it"
    assert menu.code() == shown.code()


def test_the_dropdown_chooses_as_the_trait_does(menu):
    menu.selector.value = "UnitsExplorer"  # what a learner's keyboard or mouse does
    assert menu.choice == "UnitsExplorer" and isinstance(menu.current, widgets.UnitsExplorer)
    menu.choice = "batchexplorer"  # another case names the same entry
    assert menu.selector.value == "BatchExplorer" and isinstance(menu.current, widgets.BatchExplorer)


def test_a_bad_choice_is_a_friendly_message_and_changes_nothing(menu):
    shown = menu.show("StatefulExplorer")
    assert menu.show("StateExplorer") is None
    assert menu.current is shown and menu.choice == "StatefulExplorer" == menu.selector.value
    said = html.unescape(menu.message.value)
    assert "no widget called 'StateExplorer'" in said and "StatefulExplorer" in said
    menu.choice = "ShapeDoctor"
    assert menu.message.value == "", "a good choice clears the message"


def test_a_bad_first_choice_opens_the_first_entry_and_says_so():
    menu = WidgetMenu(choice="Nothing")
    assert menu.choice == "ShapeExplorer" and isinstance(menu.current, widgets.ShapeExplorer)
    assert "no widget called 'Nothing'" in html.unescape(menu.message.value)
    menu.close()


def test_only_the_chosen_widget_is_built():
    built = []

    def counted(**settings):
        built.append(settings)
        return W.VBox()

    entries = [MenuEntry(f"W{i}", "lesson", "", {"i": i}, factory=counted) for i in range(4)]
    menu = WidgetMenu(entries, choice="W2")
    assert built == [{"i": 2}]
    menu.show("W0")
    menu.show("W0")  # chosen again: nothing new is built
    assert built == [{"i": 2}, {"i": 0}] and menu.closed == 1
    menu.close()


def test_a_widget_that_cannot_be_built_is_explained_and_the_running_one_stopped():
    stopped = []

    class Running(W.VBox):
        def stop(self):
            stopped.append(self)

    def broken():
        raise ValueError("units must be at least 1")

    entries = [MenuEntry("Running", "", "", factory=Running), MenuEntry("Broken", "", "", factory=broken)]
    menu = WidgetMenu(entries)
    running = menu.current
    menu.choice = "Broken"
    assert stopped == [running], "a widget running a job is asked to stop before it is closed"
    assert menu.current is None and menu.holder.children == ()
    assert "Broken could not be built: units must be at least 1" in menu.message.value
    assert menu.code() == ""
    menu.close()


def test_cycling_through_every_widget_keeps_the_number_of_open_widgets_flat(keras):
    menu = WidgetMenu()
    menu.open_now()
    counts = []
    for _round in range(2):
        for entry in COURSE_ENTRIES:
            menu.show(entry.name)
            counts.append((entry.name, live_widgets() - len(open_parts(menu))))
    first, second = counts[: len(COURSE_ENTRIES)], counts[len(COURSE_ENTRIES) :]
    assert [n for _, n in first] == [n for _, n in second], "a round through the menu leaves widgets open"
    menu.close()
    assert not open_parts(menu)
