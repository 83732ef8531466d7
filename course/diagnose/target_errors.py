"""Targets against the model's outputs, as TensorFlow's cross-entropy ops and Keras's structure
checks report them: one array of labels for a model with several outputs, one-hot labels for a
sparse loss, class counts that differ, logits with more rows than labels. Read from the message;
the model (when given) adds its output names and the layer that gives per-step outputs.
"""

from __future__ import annotations

import re

from . import context as ctx


def _sizes(text: str) -> tuple:
    return tuple(int(part) for part in re.findall(r"\d+", text))


def _outputs(message: str, context: ctx.Context) -> list[str]:
    names = ctx.output_names(context.model) if context.model is not None else []
    return names or re.findall(r"'(\w+)': '\*'", message)


def _per_output(names: list[str], count: int | None) -> str:
    if names:
        keyed = ", ".join(f"'{name}': y_{name}" for name in names)
        return (
            f"Give one target array per output: a dict keyed by the output names, `y={{{keyed}}}`, or a list in the "
            f"outputs' order, `y=[{', '.join('y_' + name for name in names)}]`."
        )
    return f"Give one target array per output ({count or 'one for each'}), as a list in the outputs' order or a dict keyed by the output names."


def _structure(message: str, context: ctx.Context) -> str | None:
    """Keras 3: one array of targets for a model with several outputs."""
    if "y_true and y_pred have different structures" not in message:
        return None
    names = _outputs(message, context)
    pred = message.split("y_pred:", 1)[-1].strip()
    true = message.split("y_true:", 1)[-1].split("y_pred:", 1)[0].strip()
    if pred.startswith("*") and true[:1] in "([{":
        given = true.count("'*'") or context.y_count or "several"
        said = f" ('{names[0]}')" if names else ""
        return (
            f"This model has one output{said}, and `fit` got {given} target arrays in a list or dict. Give it one array "
            "of targets, or, if the model should give several answers, build it with one output per answer "
            "(`keras.Model(inputs, [out_1, out_2])`)."
        )
    count = len(names) or pred.count("'*'")
    said = f" ({', '.join(names)})" if names else ""
    return (
        f"This model has {count or 'several'} outputs{said}, and `fit` got one array of targets, so Keras cannot tell "
        "which output it is for. " + _per_output(names, count)
    )


def _loss_path(exc: BaseException, message: str, context: ctx.Context) -> str | None:
    """Keras 3's KeyError: a loss for an output that the targets do not hold."""
    found = re.search(r"The path: \(([^)]*)\) in the `loss` argument, can't be found", message)
    if not found:
        return None
    key = found.group(1).strip(", ").strip("'\"")
    names = _outputs(message, context)
    which = f"the output {key!r}" if not key.isdigit() else f"output number {key}"
    said = f" This model's outputs are {', '.join(names)}." if names else ""
    return (
        f"The loss is compiled for {which}, and the targets hold nothing for it: a model with several outputs needs one "
        f"target array per output, and `fit` got one array (or a dict with other keys).{said} "
        + _per_output(names, None)
    )


def _wrong_keys(exc: BaseException, message: str, context: ctx.Context) -> str | None:
    """A dict of targets whose keys are not the output names (Keras then reads a key as a value)."""
    found = re.search(r"Expected \w+, but got (\w+) of type 'str'", message)
    if not found or context.model is None or not context.y_keys:
        return None
    names = ctx.output_names(context.model)
    wrong = [key for key in context.y_keys if key not in names]
    if not names or not wrong:
        return None
    return (
        f"The targets are a dict with the keys {', '.join(context.y_keys)}, and the model's outputs are called "
        f"{', '.join(names)}: {', '.join(wrong)} match{'es' if len(wrong) == 1 else ''} no output, so Keras read the key as a "
        "value. Key the targets by the output names (`model.output_names`). " + _per_output(names, None)
    )


def _sparse_rank(message: str) -> str | None:
    found = re.search(r"labels\.shape=\(([^)]*)\) of rank (\d+) and logits\.shape=\(([^)]*)\) of rank (\d+)", message)
    if not found:
        return None
    labels, logits = _sizes(found.group(1)), _sizes(found.group(3))
    if labels == logits:
        return (
            f"A sparse cross-entropy wants each label as one class number, shape {ctx.words(logits[:-1])}, and these "
            f"labels are one-hot, {ctx.words(labels)}, like the {logits[-1]} scores. Use the categorical cross-entropy for "
            "one-hot labels, or turn them into class numbers with `y.argmax(axis=-1)`."
        )
    return (
        f"A sparse cross-entropy wants the labels with one axis fewer than the scores: scores {ctx.words(logits)} need "
        f"labels of shape {ctx.words(logits[:-1])} (class numbers), and these are {ctx.words(labels)}."
    )


def _rows(message: str, context: ctx.Context) -> str | None:
    found = re.search(r"labels\.shape=\(([^)]*)\) and logits\.shape=\(([^)]*)\)", message) or re.search(
        r"same first dimension, got logits shape \[([^\]]*)\] and labels shape \[([^\]]*)\]", message
    )
    if not found:
        return None
    if found.re.pattern.startswith("labels"):
        labels, logits = _sizes(found.group(1)), _sizes(found.group(2))
    else:
        logits, labels = _sizes(found.group(1)), _sizes(found.group(2))
    if not labels or not logits:
        return None
    shapes = f"The scores come as {ctx.words(logits)} and the labels as {ctx.words(labels)}"
    if logits[0] > labels[0] and labels[0] and logits[0] % labels[0] == 0:
        per = logits[0] // labels[0]
        layer = ctx.last_sequence_layer(context.model) if context.model is not None else None
        out = ctx.model_output(context.model) if context.model is not None else None
        if layer is not None and out and len(out) == 3 and out[1] == per:
            return (
                f"{shapes}: {per} rows of scores for each label. '{layer.name}' has `return_sequences=True`, so the model "
                f"scores each of its {per} timesteps, and there is one label per sequence: set `return_sequences=False` "
                "on it, or give a label for every timestep."
            )
        return (
            f"{shapes}: {per} rows of scores for each label, so the model gives {per} predictions per sample where the "
            f"labels have one. A sequence model that scores every timestep ({per} steps, `return_sequences=True` on its "
            "last recurrent layer) does this; so does a Reshape or Flatten that mixes samples. Check it with "
            "`model.summary()` against `y.shape`."
        )
    return f"{shapes}: every axis but the last (the classes) must match. Compare `model.output_shape` with `y.shape`."


def _classes(message: str) -> str | None:
    found = re.search(r"logits_size=\[(\d+),(\d+)\] labels_size=\[(\d+),(\d+)\]", message)
    if not found:
        return None
    rows, classes, label_rows, label_classes = map(int, found.groups())
    if rows == label_rows:
        return (
            f"The model scores {classes} classes and the one-hot labels have {label_classes} columns: make them agree, "
            f"a last layer of `Dense({label_classes})` for {label_classes} classes, or one-hot the labels with "
            f"`keras.utils.to_categorical(y, {classes})`."
        )
    return (
        f"The scores come as [{rows}, {classes}] and the labels as [{label_rows}, {label_classes}]: the rows differ, so "
        "the model gives another number of predictions than there are labels. Compare `model.output_shape` with `y.shape`."
    )


def explain(exc: BaseException, message: str, context: ctx.Context) -> str | None:
    for rule in (_sparse_rank, _classes):
        explanation = rule(message)
        if explanation:
            return explanation
    explanation = _structure(message, context)
    if explanation:
        return explanation
    for rule in (_loss_path, _wrong_keys):
        explanation = rule(exc, message, context)
        if explanation:
            return explanation
    return _rows(message, context)
