"""Models with several inputs or several outputs: each input against its own ``Input``, each
output head against its own targets and its own loss.

A learner gives ``x`` (``y``) as a list in the model's order or as a dict by input (output) name.
Each input is checked by the one-input rules on a view of the model that feeds the other inputs
zeros of their own shapes, so the model's layers decide, as they do for one input; each head's
targets are checked by the target rules against that head's traced output shape and its own
loss (a list or a dict of losses, or one loss for every head, as ``compile`` takes them). The
fixes' code is rewritten to change the one entry of ``x`` or ``y`` it is about.
"""

from __future__ import annotations

import re

from . import layers, targets, verify
from .fixes import Fix, after_a_run
from .inputs import check_shape, has_run, shape_words

_NAME = re.compile(r"(?<![\w.'\"])([xy])\b")


def several(model) -> bool:
    """Whether the model has more than one input or more than one output."""
    try:
        return len(model.inputs) > 1 or len(model.outputs) > 1
    except (AttributeError, TypeError, ValueError):
        return False


def structured(value) -> bool:
    """A dict, or a list or tuple holding arrays or shapes (not one shape of whole numbers)."""
    if isinstance(value, dict):
        return True
    if not isinstance(value, (list, tuple)) or not value:
        return False
    return any(hasattr(item, "shape") or isinstance(item, (list, tuple, str, dict)) for item in value)


def _keys(model, tensors, struct) -> list | None:
    """The dict keys a model built on dicts of tensors reads and gives (None otherwise)."""
    if not isinstance(struct, dict):
        return None
    keys = {id(tensor): str(key) for key, tensor in struct.items()}
    names = [keys.get(id(tensor)) for tensor in tensors]
    return None if None in names else names


def input_names(model) -> list[str]:
    keyed = _keys(model, model.inputs, getattr(model, "_inputs_struct", None))
    return keyed or [str(getattr(tensor, "name", f"input_{i}")) for i, tensor in enumerate(model.inputs)]


def output_names(model) -> list[str]:
    keyed = _keys(model, model.outputs, getattr(model, "_outputs_struct", None))
    if keyed:
        return keyed
    names = list(getattr(model, "output_names", None) or [])
    return names if len(names) == len(model.outputs) else [f"output_{i}" for i in range(len(model.outputs))]


class _View:
    """One input or one output of a larger model, shaped like a one-input, one-output model for
    the single-part rules; everything else is the model's own."""

    def __init__(self, model, members, inputs, outputs, loss, call=None):
        self._model, self._call = model, call
        self.layers = [layer for layer in model.layers if any(layer is member for member in members)]
        self.inputs, self.outputs, self.loss = inputs, outputs, loss

    def __call__(self, x, training=False):
        return self._call(x)

    def predict(self, *args, **kwargs):
        return self._model.predict(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._model, name)


class _Declared:
    """An output tensor's stand-in: only its shape is read."""

    def __init__(self, shape):
        self.shape = tuple(shape)


def _operation(tensor):
    history = getattr(tensor, "_keras_history", None)
    return history[0] if history is not None else None


def _walk(start, step) -> list:
    found, stack = [], [start]
    while stack:
        layer = stack.pop()
        if layer is None or any(layer is seen for seen in found):
            continue
        found.append(layer)
        stack.extend(step(layer))
    return found


def _downstream(layer) -> list:
    return _walk(layer, lambda op: [node.operation for node in getattr(op, "_outbound_nodes", [])])


def _upstream(layer) -> list:
    return _walk(
        layer,
        lambda op: [parent.operation for node in getattr(op, "_inbound_nodes", []) for parent in node.parent_nodes],
    )


def _structure(model, items: list):
    """Tensors in the model's input order, arranged as the model was built: a dict, a list or one."""
    struct = getattr(model, "_inputs_struct", None)
    if isinstance(struct, dict):
        return dict(zip(input_names(model), items))
    if isinstance(struct, (list, tuple)) or len(items) > 1:
        return list(items)
    return items[0]


def _input_view(model, index: int, fill: list[tuple], dtypes: list[str]) -> _View:
    """Input ``index`` alone: the model is called with zeros of ``fill[j]`` for every other input."""
    names = input_names(model)

    def call(x):
        import tensorflow as tf

        batch = tf.shape(x)[0]
        feed = [
            x if j == index else tf.zeros(tf.stack([batch, *fill[j]]), getattr(tf, dtypes[j]))
            for j in range(len(names))
        ]
        return model(_structure(model, feed), training=False)

    members = _downstream(_operation(model.inputs[index]))
    return _View(model, members, [model.inputs[index]], model.outputs, getattr(model, "loss", None), call)


def _output_view(model, index: int, shape: tuple, loss) -> _View:
    members = _upstream(_operation(model.outputs[index]))
    return _View(model, members, model.inputs[:1], [_Declared(shape)], loss)


def head_losses(model) -> list:
    """One loss per output head (None where the model is not compiled or a head has none)."""
    loss = getattr(model, "loss", None)
    names = output_names(model)
    if loss is None or isinstance(loss, str) or callable(loss):
        return [loss] * len(names)
    if hasattr(loss, "keys"):
        return [loss.get(name) for name in names]
    loss = list(loss)
    return loss + [None] * (len(names) - len(loss))


def _arrange(value, names: list[str], what: str, words: str) -> tuple[dict, list, list]:
    """({name: value}, problems, notes) for ``x`` or ``y`` given for the parts ``names``."""
    count = len(names)
    listed = ", ".join(f"'{name}'" for name in names)
    hint = f"a dict of one {words} array per {what}, {{{', '.join(f'{name!r}: ...' for name in names)}}}"
    if isinstance(value, dict):
        for key, item in value.items():
            if item is None:
                raise ValueError(f"The {words} for {what} '{key}' is None: give an array or a shape.")
        missing = [name for name in names if name not in value]
        extra = [str(key) for key in value if key not in names]
        problems, notes = [], []
        if missing:
            problems.append(
                f"The {words} have no entry for {what}{'s' if len(missing) > 1 else ''} "
                f"{', '.join(repr(name) for name in missing)}: the model's {what}s are {listed}, and Keras needs {hint}."
            )
        if extra:
            message = (
                f"The {words} name {', '.join(repr(key) for key in extra)}, which {'is' if len(extra) == 1 else 'are'} "
                f"not among the model's {what}s ({listed})"
            )
            if what == "input":
                notes.append(message + ": Keras leaves them out.")
            else:
                problems.append(message + f": Keras refuses targets it has no output for; give {hint}.")
        return {name: value[name] for name in names if name in value}, problems, notes
    if structured(value):
        items = list(value)
        for i, item in enumerate(items):
            if item is None:
                raise ValueError(
                    f"The {words} list holds None at position {i}: give an array or a shape for every {what}."
                )
        if len(items) != count:
            return (
                {},
                [
                    f"The {words} list holds {len(items)} entries and the model has {count} {what}s ({listed}), in that order: "
                    f"give one per {what}, or {hint}."
                ],
                [],
            )
        return dict(zip(names, items)), [], []
    if count == 1:
        return {names[0]: value}, [], []
    check_shape(value, words)  # text that is no shape is refused in its own words
    return (
        {},
        [
            f"One {'array' if hasattr(value, 'shape') else 'shape'} of {words} for a model with {count} {what}s ({listed}): "
            f"Keras needs {hint}."
        ],
        [],
    )


def _rewrite(code: str, letter: str, key, as_dict: bool, tuple_given: bool) -> str:
    """Code about all of ``x`` (``y``) made about the one entry ``key``."""
    if not code:
        return code
    entry = f"{letter}[{key!r}]"
    lines = []
    for line in code.splitlines():
        if line.lstrip().startswith("model."):
            lines.append(line)
            continue
        lines.append(_NAME.sub(lambda found: entry if found.group(1) == letter else found.group(0), line))
    prefix = f"{letter} = list({letter})\n" if tuple_given and not as_dict else ""
    return prefix + "\n".join(lines)


def _compile_code(model, head: str, new_loss: str) -> str:
    names = output_names(model)
    losses = {
        name: targets.loss_name(_View(model, [], [], [], loss)) or "mean_squared_error"
        for name, loss in zip(names, head_losses(model))
    }
    losses[head] = new_loss
    return f"model.compile(optimizer=model.optimizer or 'adam', loss={losses!r})"


def _part_fixes(model, part, letter, key, as_dict, tuple_given, samples, head=None) -> list:
    """The part's fixes, their code about its own entry; code that changes the number of samples
    of one entry only (one sample, windows) would break the others, so it is left to the words."""
    fixes = []
    for fix in part.fixes:
        code = fix.code
        if code:
            compiles = re.match(r"model\.compile\(.*loss='(\w+)'\)$", code)
            if compiles and head is not None:
                code = _compile_code(model, head, compiles.group(1))
            elif fix.shape is None or fix.shape[0] != samples:
                code = ""
            else:
                code = _rewrite(code, "y" if fix.side == "targets" else letter, key, as_dict, tuple_given)
        fixes.append(Fix(fix.side, fix.action, code, fix.shape))
    return fixes


def _dtype(model, index: int) -> str:
    view = _View(model, _downstream(_operation(model.inputs[index])), [model.inputs[index]], model.outputs, None)
    return layers.input_dtype(view)


def _outputs(model, shapes: list[tuple], dtypes: list[str]):
    """The output shapes for inputs of ``shapes`` (``None`` where Keras refuses them together)."""
    from course._keras import keras as _keras

    _keras()
    import tensorflow as tf

    specs = [tf.TensorSpec((None, *shape[1:]), getattr(tf, dtype)) for shape, dtype in zip(shapes, dtypes)]
    try:
        concrete = tf.function(lambda feed: model(feed, training=False)).get_concrete_function(_structure(model, specs))
    except Exception:  # noqa: BLE001 - the inputs do not fit together
        return None
    found = concrete.structured_outputs
    if isinstance(found, dict):
        found = [found[name] for name in output_names(model)]
    found = found if isinstance(found, (list, tuple)) else [found]
    return [tuple(tensor.shape) for tensor in found]


def _fill(expected: tuple, shape: tuple | None) -> list:
    """A per-sample shape for an input fed zeros: the learner's where it fits the Input."""
    body = expected[1:]
    if shape is not None and len(shape) == len(expected) and all(w is None or w == h for w, h in zip(body, shape[1:])):
        return list(shape[1:])
    return [8 if size is None else size for size in body]


def diagnose(x, model, y, batch_size, one):
    """The verdict for a model with several inputs or outputs (or ``x``/``y`` given as a list or
    dict): ``one`` is the one-part doctor."""
    from .verdict import Diagnosis

    if not hasattr(model, "layers") or not callable(getattr(model, "predict", None)):
        return one(x, model, y, batch_size)  # the one-part doctor words the refusal
    ins, outs = input_names(model), output_names(model)
    data, problems, notes = _arrange(x, ins, "input", "data")
    given, target_problems, target_notes = ({}, [], []) if y is None else _arrange(y, outs, "output", "targets")
    problems += target_problems
    notes += target_notes
    shapes = {name: check_shape(value, f"data for input '{name}'") for name, value in data.items()}
    goals = {name: check_shape(value, f"targets for output '{name}'") for name, value in given.items()}
    counts = {shape[0] for shape in shapes.values()}
    if len(counts) > 1:
        problems.append(
            "The inputs hold different numbers of samples ("
            + ", ".join(f"'{name}': {shape[0]}" for name, shape in shapes.items())
            + "): Keras needs the same samples in every input, one row each."
        )
    samples = shapes[ins[0]][0] if ins[0] in shapes else next(iter(counts), 0)
    x_dict, y_dict = isinstance(x, dict), isinstance(y, dict)
    x_tuple, y_tuple = isinstance(x, tuple), isinstance(y, tuple)
    parts, fixes = [], []
    dtypes = [_dtype(model, i) for i in range(len(ins))]
    fill = [_fill(tuple(model.inputs[i].shape), shapes.get(name)) for i, name in enumerate(ins)]
    inputs_ok = not problems
    seen = []
    for i, name in enumerate(ins):
        if name not in shapes:
            continue
        view = (
            _input_view(model, i, fill, dtypes)
            if len(ins) > 1
            else _View(
                model, model.layers, model.inputs, model.outputs, model.loss if hasattr(model, "loss") else None, model
            )
        )
        part = one(data[name], view, None, batch_size, part=True)
        key = name if x_dict else i
        part_fixes = _part_fixes(model, part, "x", key, x_dict, x_tuple, samples)
        part = Diagnosis(**{**part.__dict__, "fixes": tuple(part_fixes)})
        parts.append(part)
        inputs_ok = inputs_ok and part.ok
        seen.append(part.seen_as or shapes[name])
        if part.problem:
            fixes += [fix for fix in part_fixes if fix.code or not part.ok]
    output_shapes = _outputs(model, seen, dtypes) if inputs_ok and len(seen) == len(ins) else None
    if inputs_ok and len(seen) == len(ins) and output_shapes is None:
        problems.append("Each input fits its own Input, but the model's layers cannot combine them at these shapes.")
    losses = head_losses(model)
    batch = batch_size or tuple(model.inputs[0].shape)[0] or 32
    if output_shapes is not None and goals:
        for j, name in enumerate(outs):
            if name not in goals:
                continue
            view = _output_view(model, j, output_shapes[j], losses[j])
            check = targets.check(view, goals[name], None, samples=samples, batch_size=batch)
            key = name if y_dict else j
            head = Diagnosis(
                ok=check.ok,
                problem=check.problem,
                fixes=check.fixes,
                suggested_shape=None,
                data_shape=goals[name],
                expected=tuple(model.outputs[j].shape),
                mistake=check.mistake,
                target_shape=goals[name],
                output_shape=check.output_shape,
                loss=check.loss,
                targets_ok=check.ok,
            )
            head_fixes = _part_fixes(model, head, "y", key, y_dict, y_tuple, goals[name][0], head=name)
            parts.append(Diagnosis(**{**head.__dict__, "fixes": tuple(head_fixes)}))
            fixes += head_fixes if check.mistake else []
    labelled = [(part, "input", name) for part, name in zip(parts, [n for n in ins if n in shapes])]
    labelled += [
        (part, "output", part_name) for part, part_name in zip(parts[len(labelled) :], [n for n in outs if n in goals])
    ]
    wrong = [(part, what, name) for part, what, name in labelled if not part.ok]
    said = [(part, what, name) for part, what, name in labelled if part.problem]
    ok = not problems and not wrong and (y is None or output_shapes is not None or not inputs_ok)
    ok = ok and inputs_ok
    texts = list(problems) + [f"{what.capitalize()} '{name}': {part.problem}" for part, what, name in (wrong or said)]
    if not inputs_ok and y is not None and not problems:
        notes.append("The targets are checked once the data fits.")
    mistake = next((part.mistake for part, _what, _name in wrong + said if part.mistake), "")
    if problems and not fixes:
        fixes = [Fix("data" if not target_problems else "targets", problems[0])]
    if not texts:
        fixes = [
            Fix(
                "data",
                "Nothing to fix: every input fits its Input" + (" and every head its targets." if goals else "."),
            )
        ]
    x_shapes = dict(shapes) if x_dict else [shapes[name] for name in ins if name in shapes]
    y_shapes = None if not goals else dict(goals) if y_dict else [goals[name] for name in outs if name in goals]
    if len(x_shapes) == len(ins) and (y_shapes is None or len(y_shapes) == len(outs)):
        in_order = [dtypes[ins.index(name)] for name in x_shapes] if x_dict else dtypes
        fixes = verify.working_structured(model, x_shapes, y_shapes, batch_size, in_order, fixes)
    if has_run(model) and fixes:
        fixes = [after_a_run(fix) for fix in fixes]
    return Diagnosis(
        ok=ok,
        problem=" ".join(texts),
        fixes=tuple(fixes),
        suggested_shape=None,
        data_shape=tuple(shapes.get(name) for name in ins),
        expected=tuple(tuple(tensor.shape) for tensor in model.inputs),
        mistake=mistake,
        target_shape=tuple(goals.get(name) for name in outs) if y is not None else None,
        output_shape=tuple(output_shapes) if output_shapes is not None and y is not None else None,
        loss=", ".join(targets.loss_name(_View(model, [], [], [], loss)) for loss in losses) if y is not None else "",
        targets_ok=(all(part.ok for part, what, _ in labelled if what == "output") and not target_problems)
        if y is not None and output_shapes is not None
        else None,
        notes=tuple(notes) + tuple(note for part in parts for note in part.notes),
        parts=tuple(parts),
    )


__all__ = ["diagnose", "several", "structured", "head_losses", "shape_words"]
