"""Keras tier: ``explain_error`` read with the model's context names the layer and the axis at fault.

Every error is Keras's (or TensorFlow's) own, raised by building a model or running it on zeros
here; each test checks that the explanation names the right cause and not the wrong one that the
message alone once suggested. Message-only tests of older wordings are marked as such.
"""

from __future__ import annotations

import numpy as np
import pytest

from course import diagnose as doctor

pytestmark = pytest.mark.keras

FALLBACK = "not one of the shape errors the course explains"


def raised(make):
    try:
        make()
    except Exception as error:  # noqa: BLE001 - the error is what the test reads
        return error
    pytest.fail("Keras accepted it: the set-up must fail")


def zeros(*shape):
    return np.zeros(shape, "float32")


def fit_error(keras, layers, loss, x, y):
    model = keras.Sequential(layers)
    model.compile(optimizer="sgd", loss=loss)
    return model, raised(lambda: model.fit(x, y, epochs=1, verbose=0))


# 1. timesteps are not classes


def test_per_step_outputs_against_one_target_per_sequence_name_the_recurrent_layer(keras):
    L = keras.layers
    layers = [keras.Input(shape=(10, 3)), L.LSTM(4, return_sequences=True, name="encoder"), L.Dense(5)]
    x, y = zeros(8, 10, 3), zeros(8, 5)
    model, error = fit_error(keras, layers, "mse", x, y)
    text = doctor.explain_error(error, model=model, x=x, y=y)
    assert "'encoder'" in text and "return_sequences=False" in text and "10 timesteps" in text
    assert "Dense(10)" not in text and "classes" not in text


def test_targets_per_timestep_are_not_read_as_a_number_of_targets(keras):
    L = keras.layers
    layers = [keras.Input(shape=(10, 3)), L.LSTM(4, return_sequences=True), L.Dense(5)]
    x, y = zeros(8, 10, 3), zeros(8, 10)
    model, error = fit_error(keras, layers, "mse", x, y)
    for text in (doctor.explain_error(error), doctor.explain_error(error, model=model, x=x, y=y)):
        assert "timesteps" in text and "Dense(1)" in text
        assert "Dense(10)" not in text and "Dense(n)" not in text


def test_class_numbers_per_timestep_under_categorical_crossentropy(keras):
    L = keras.layers
    layers = [keras.Input(shape=(10, 3)), L.LSTM(4, return_sequences=True), L.Dense(5, activation="softmax")]
    x, y = zeros(8, 10, 3), zeros(8, 10)
    model, error = fit_error(keras, layers, "categorical_crossentropy", x, y)
    text = doctor.explain_error(error, model=model, x=x, y=y)
    assert "10 timesteps" in text and "sparse_categorical_crossentropy" in text
    assert "to_categorical(y, 10)" not in text


def test_logits_with_a_row_per_timestep_name_the_sequence_layer(keras):
    import tensorflow as tf

    L = keras.layers
    model = keras.Sequential([keras.Input(shape=(10, 3)), L.GRU(4, return_sequences=True, name="steps"), L.Dense(5)])
    logits = tf.reshape(model(zeros(8, 10, 3)), (-1, 5))  # a custom loss that flattens the per-step scores
    error = raised(
        lambda: tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.zeros((8,), tf.int32), logits=logits)
    )
    text = doctor.explain_error(error, model=model)
    assert "'steps'" in text and "10 timesteps" in text and "return_sequences=False" in text
    plain = doctor.explain_error(error)
    assert FALLBACK not in plain and "10 predictions per sample" in plain and "classes" not in plain


# 2. the layer that changed the number of axes, not keras.Input


def test_an_embedding_before_a_conv2d_is_named(keras):
    L = keras.layers
    error = raised(
        lambda: keras.Sequential([keras.Input(shape=(20,)), L.Embedding(50, 8, name="words"), L.Conv2D(4, 3)])
    )
    text = doctor.explain_error(error)
    assert "Embedding layer 'words'" in text and "Conv1D" in text
    assert "keras.Input(shape=(20, 8, 1))" not in text and "channel axis is missing" not in text


def test_an_embedding_of_two_axes_of_ids_before_an_lstm_is_named(keras):
    L = keras.layers
    error = raised(lambda: keras.Sequential([keras.Input(shape=(5, 7)), L.Embedding(30, 4, name="chars"), L.LSTM(8)]))
    text = doctor.explain_error(error)
    assert "Embedding layer 'chars'" in text and "(None, 5, 7, 4)" in text
    assert "drop that first number" not in text


@pytest.mark.parametrize("api", ["sequential", "functional"])
def test_a_flatten_before_an_lstm_is_named(keras, api):
    L = keras.layers

    def build():
        if api == "sequential":
            return keras.Sequential([keras.Input(shape=(10, 3)), L.Flatten(name="flat"), L.LSTM(8)])
        inputs = keras.Input(shape=(10, 3))
        return keras.Model(inputs, L.LSTM(8)(L.Flatten(name="flat")(inputs)))

    text = doctor.explain_error(raised(build))
    assert "Flatten layer 'flat'" in text and "(None, 10, 3)" in text and "remove the Flatten" in text
    assert "start the model with" not in text and "start it with" not in text


def test_a_flatten_between_convolutions_is_named(keras):
    L = keras.layers
    layers = [keras.Input(shape=(8, 8, 1)), L.Conv2D(4, 3, padding="same"), L.Flatten(name="flat"), L.Conv2D(4, 3)]
    text = doctor.explain_error(raised(lambda: keras.Sequential(layers)))
    assert "Flatten layer 'flat'" in text and "move the Flatten after" in text
    assert "keras.Input(shape=(256, 1))" not in text


def test_without_context_a_2d_lstm_input_is_not_blamed_on_the_input_alone(keras):
    """Message only (the error object stripped of its traceback): both possible causes are named."""
    L = keras.layers
    error = raised(lambda: keras.Sequential([keras.Input(shape=(10, 3)), L.Flatten(), L.LSTM(8)]))
    bare = type(error)(str(error))
    text = doctor.explain_error(bare)
    assert "Flatten" in text and "model.summary()" in text


# 3. the model's own data_format


def test_a_channels_first_model_given_channels_last_data(keras):
    L = keras.layers
    model = keras.Sequential(
        [
            keras.Input(shape=(3, 32, 32)),
            L.Conv2D(4, 3, data_format="channels_first", name="cf"),
            L.Flatten(),
            L.Dense(1),
        ]
    )
    x = zeros(2, 32, 32, 3)
    error = raised(lambda: model.predict(x, verbose=0))
    text = doctor.explain_error(error, model=model, x=x)
    assert "'cf'" in text and "channels_first" in text and "np.transpose(x, (0, 3, 1, 2))" in text
    assert "features" not in text
    assert "32 features" not in doctor.explain_error(error)  # the message alone no longer reads axis 1 as features


def test_a_channels_last_model_given_channels_first_data(keras):
    L = keras.layers
    model = keras.Sequential([keras.Input(shape=(32, 32, 3)), L.Conv2D(4, 3), L.Flatten(), L.Dense(1)])
    x = zeros(2, 3, 32, 32)
    error = raised(lambda: model.predict(x, verbose=0))
    for text in (doctor.explain_error(error, model=model, x=x), doctor.explain_error(error)):
        assert "channels first" in text and "np.transpose(x, (0, 2, 3, 1))" in text
        assert "rebuild the model on 32 features" not in text


def test_a_channels_first_layer_on_a_channels_last_input(keras):
    L = keras.layers
    layers = [keras.Input(shape=(28, 28, 1)), L.Conv2D(16, 7, data_format="channels_first", name="cf")]
    text = doctor.explain_error(raised(lambda: keras.Sequential(layers)))
    assert "'cf'" in text and "data_format='channels_first'" in text and "(1, 28, 28)" in text


def test_mixed_data_formats_name_both_layers(keras):
    L = keras.layers
    model = keras.Sequential(
        [L.Conv2D(4, 5, data_format="channels_first", name="first"), L.Conv2D(8, 5, name="second")]
    )
    x = zeros(2, 1, 28, 28)
    error = raised(lambda: model.predict(x, verbose=0))
    text = doctor.explain_error(error, model=model, x=x)
    assert "'first'" in text and "'second'" in text and "same `data_format`" in text
    assert "build the model on `keras.Input(shape=(24, 24, 4))`" not in text


# 4. a Dense after a Flatten: the sizes before it, not the data's features


def test_a_dense_after_a_flatten_names_the_flatten_and_the_input_size(keras):
    L = keras.layers
    model = keras.Sequential([keras.Input(shape=(16, 16, 2)), L.Flatten(name="flat"), L.Dense(3, name="head")])
    x = zeros(2, 16, 24, 2)
    error = raised(lambda: model.predict(x, verbose=0))
    text = doctor.explain_error(error, model=model, x=x)
    assert "'head'" in text and "Flatten layer 'flat'" in text and "16 × 16 × 2 = 512" in text
    assert "keras.Input(shape=(16, 24, 2))" in text and "not the number of features" in text
    assert "768 features" not in doctor.explain_error(error)


def test_a_shared_dense_after_flattens_of_other_sizes(keras):
    L = keras.layers

    def build():
        head = L.Dense(1, name="head")
        head(L.Flatten()(keras.Input(shape=(16, 16, 1))))
        head(L.Flatten(name="wide")(keras.Input(shape=(16, 24, 1))))

    text = doctor.explain_error(raised(build))
    assert "Flatten layer 'wide'" in text and "384" in text and "384 features" not in text


def test_weights_of_a_model_with_another_input_size(keras):
    L = keras.layers

    def model(shape):
        return keras.Sequential([keras.Input(shape=shape), L.Flatten(name="flat"), L.Dense(1, name="head")])

    saved, mine = model((16, 16, 2)), model((24, 16, 2))
    error = raised(lambda: mine.set_weights(saved.get_weights()))
    text = doctor.explain_error(error, model=mine)
    assert "'head'" in text and "Flatten layer 'flat'" in text and "512" in text and "768" in text
    assert FALLBACK not in text and "features" in text and "the data's features" in text


# 5. a stateful Input whose batch slot holds the timesteps


def test_timesteps_in_the_batch_slot_of_a_stateful_input(keras):
    L = keras.layers
    model = keras.Sequential([keras.Input(batch_shape=(10, 1, 3)), L.LSTM(4, stateful=True), L.Dense(1)])
    x = zeros(1, 10, 3)
    error = raised(lambda: model.predict(x, verbose=0))
    text = doctor.explain_error(error, model=model, x=x)
    assert "timesteps" in text and "batch_shape=(b, 10, 3)" in text
    assert "batch_size=10" not in text


def test_a_real_batch_size_mistake_keeps_the_batch_size_remedy(keras):
    L = keras.layers
    model = keras.Sequential([keras.Input(batch_shape=(8, 5, 1)), L.LSTM(4, stateful=True), L.Dense(1)])
    x = zeros(4, 5, 1)
    error = raised(lambda: model.predict(x, batch_size=4, verbose=0))
    assert "batch_size=8" in doctor.explain_error(error, model=model, x=x)


# 6. a series stored on the feature axis of an Input with open timesteps


def _predict_error(model, x):
    return raised(lambda: model.predict(x, verbose=0))


@pytest.mark.parametrize("features", [1, 3])
def test_a_series_on_the_feature_axis_of_an_open_length_input(keras, features):
    L = keras.layers
    model = keras.Sequential([keras.Input(shape=(None, features)), L.LSTM(8), L.Dense(1)])
    x = zeros(6, features, 27)  # (samples, features, length): the length where the features belong
    error = _predict_error(model, x)
    text = doctor.explain_error(error, model=model, x=x)
    assert "timesteps of your series" in text and "np.transpose(x, (0, 2, 1))" in text
    assert f"(6, 27, {features})" in text and "27 features" not in text
    assert ("x.reshape(len(x), 27, 1)" in text) == (features == 1)
    assert model.predict(np.transpose(x, (0, 2, 1)), verbose=0).shape == (6, 1)  # the fix Keras runs
    # without the model and the data the message gives two sizes only: the careful wording stays
    plain = doctor.explain_error(error)
    assert "27 features" in plain and "timesteps of your series" not in plain


def test_other_sizes_on_the_middle_axis_are_not_read_as_a_stored_series(keras):
    L = keras.layers
    model = keras.Sequential([keras.Input(shape=(None, 1)), L.LSTM(8), L.Dense(1)])
    x = zeros(6, 4, 27)  # four steps of 27 values: nothing says the 27 are a series
    text = doctor.explain_error(_predict_error(model, x), model=model, x=x)
    assert "timesteps of your series" not in text and "27 features" in text


# 7. the loss the model is compiled with, never another


def _five_classes(keras, loss):
    L = keras.layers
    model = keras.Sequential(
        [keras.Input(shape=(12,)), L.Dense(16, activation="relu"), L.Dense(5, activation="softmax")]
    )
    model.compile(optimizer="rmsprop", loss=loss)
    return model


def test_class_numbers_under_binary_crossentropy_name_the_compiled_loss(keras):
    model = _five_classes(keras, "binary_crossentropy")
    x, y = zeros(32, 12), zeros(32, 1)
    error = raised(lambda: model.fit(x, y, batch_size=32, epochs=1, verbose=0))
    text = doctor.explain_error(error, model=model, x=x, y=y)
    assert "`loss='binary_crossentropy'`" in text and "loss='sparse_categorical_crossentropy'" in text
    assert "loss='categorical_crossentropy'" not in text and "different numbers of axes" not in text
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy")  # the fix it names trains
    model.fit(x, y, batch_size=32, epochs=1, verbose=0)
    # without the model the message does not say which cross-entropy raised: none is named as the one in use
    plain = doctor.explain_error(error)
    assert "sparse_categorical_crossentropy" in plain
    assert "loss='categorical_crossentropy'" not in plain and "loss='binary_crossentropy'" not in plain


def test_class_numbers_under_categorical_crossentropy_name_that_loss(keras):
    model = _five_classes(keras, "categorical_crossentropy")
    x, y = zeros(32, 12), zeros(32, 1)
    error = raised(lambda: model.fit(x, y, batch_size=32, epochs=1, verbose=0))
    text = doctor.explain_error(error, model=model, x=x, y=y)
    assert "`loss='categorical_crossentropy'`" in text and "one-hot" in text
    assert "binary_crossentropy" not in text and "sparse_categorical_crossentropy" in text


# errors that fell back before


def test_a_reshape_whose_target_does_not_hold_the_values(keras):
    L = keras.layers
    text = doctor.explain_error(raised(lambda: keras.Sequential([keras.Input(shape=(12,)), L.Reshape((5, 2))])))
    assert "12 values" in text and "(3, 4)" in text and "(-1, 2)" in text and FALLBACK not in text


def test_a_reshape_error_caused_by_the_data(keras):
    L = keras.layers
    model = keras.Sequential([keras.Input(shape=(12,)), L.Reshape((3, 4))])
    x = zeros(2, 10)
    error = raised(lambda: model.predict(x, verbose=0))
    text = doctor.explain_error(error, model=model, x=x)
    assert "the data is the one that changed" in text and "(12,)" in text


def _two_outputs(keras, as_dict):
    L = keras.layers
    inputs = keras.Input(shape=(4,))
    price, kind = L.Dense(1, name="price")(inputs), L.Dense(3, name="kind")(inputs)
    return keras.Model(inputs, {"price": price, "kind": kind} if as_dict else [price, kind])


@pytest.mark.parametrize("as_dict", [True, False])
def test_one_array_of_labels_for_a_model_with_two_outputs(keras, as_dict):
    model = _two_outputs(keras, as_dict)
    model.compile(optimizer="sgd", loss={"price": "mse", "kind": "mse"} if as_dict else ["mse", "mse"])
    x, y = zeros(8, 4), zeros(8, 1)
    error = raised(lambda: model.fit(x, y, epochs=1, verbose=0))
    text = doctor.explain_error(error, model=model, x=x, y=y)
    assert "price" in text and "kind" in text and "one target array per output" in text


def test_the_keyerror_of_a_multi_output_model_with_one_loss(keras):
    model = _two_outputs(keras, as_dict=False)
    model.compile(optimizer="sgd", loss="mse")
    x, y = zeros(8, 4), zeros(8, 1)
    error = raised(lambda: model.fit(x, y, epochs=1, verbose=0))
    assert isinstance(error, KeyError)
    assert FALLBACK not in doctor.explain_error(error)
    text = doctor.explain_error(error, model=model, x=x, y=y)
    assert "price" in text and "kind" in text


def test_a_dict_of_labels_with_wrong_keys(keras):
    model = _two_outputs(keras, as_dict=True)
    model.compile(optimizer="sgd", loss={"price": "mse", "kind": "mse"})
    x, y = zeros(8, 4), {"price": zeros(8, 1), "knd": zeros(8, 3)}
    error = raised(lambda: model.fit(x, y, epochs=1, verbose=0))
    text = doctor.explain_error(error, model=model, x=x, y=y)
    assert "knd matches no output" in text and "output_names" in text


def test_the_stateful_batch_error_of_this_keras_and_the_older_wordings(keras):
    L = keras.layers
    model = keras.Sequential([keras.Input(batch_shape=(8, 5, 1)), L.GRU(4, stateful=True), L.Dense(1)])
    error = raised(lambda: model(zeros(4, 5, 1)))
    assert "batch_size=8" in doctor.explain_error(error)
    # message only: Keras 2's wordings, which this Keras no longer raises
    old = ValueError(
        "In a stateful network, you should only pass inputs with a number of samples that can be divided by the "
        "batch size. Found: 12 samples"
    )
    assert "12 sequences" in doctor.explain_error(old) and "len(x) // b * b" in doctor.explain_error(old)
    unknown = ValueError("If a RNN is stateful, it needs to know its batch size. Specify the batch size of your input")
    assert "batch_shape=(batch_size, timesteps, features)" in doctor.explain_error(unknown)


def test_cross_entropy_errors(keras):
    import tensorflow as tf

    L = keras.layers
    dense3 = [keras.Input(shape=(4,)), L.Dense(3, activation="softmax")]
    _, integer_labels = fit_error(keras, dense3, "categorical_crossentropy", zeros(8, 4), zeros(8))
    assert "sparse_categorical_crossentropy" in doctor.explain_error(integer_labels)
    dense3 = [keras.Input(shape=(4,)), L.Dense(3, activation="softmax")]
    _, one_hot = fit_error(keras, dense3, "sparse_categorical_crossentropy", zeros(8, 4), zeros(8, 3))
    assert "argmax" in doctor.explain_error(one_hot)
    dense1 = [keras.Input(shape=(4,)), L.Dense(1, activation="sigmoid")]
    _, binary = fit_error(keras, dense1, "binary_crossentropy", zeros(8, 4), zeros(8, 2))
    assert "one unit" in doctor.explain_error(binary)
    ranks = raised(
        lambda: tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=tf.zeros((8, 3), tf.int32), logits=tf.zeros((8, 3))
        )
    )
    assert "one-hot" in doctor.explain_error(ranks) and "argmax" in doctor.explain_error(ranks)
    classes = raised(lambda: tf.nn.softmax_cross_entropy_with_logits(labels=tf.zeros((8, 4)), logits=tf.zeros((8, 3))))
    assert "3 classes" in doctor.explain_error(classes) and "4 columns" in doctor.explain_error(classes)
    # message only: TensorFlow 2's older wording of logits with a row per timestep
    old = ValueError(
        "logits and labels must have the same first dimension, got logits shape [80,5] and labels shape [8]"
    )
    assert "10 predictions per sample" in doctor.explain_error(old)


# odd input


def test_odd_context_is_ignored_and_an_odd_error_gets_a_sentence(keras):
    L = keras.layers
    error = raised(lambda: keras.Sequential([keras.Input(shape=(3,)), L.LSTM(4)]))
    plain = doctor.explain_error(error)
    for context in ({"model": "a model"}, {"x": "text", "y": object()}, {"x": [None, 3], "y": {"a": 1}}, {"model": 3}):
        assert doctor.explain_error(error, **context) == plain
    for wrong in ("an error message", None, 42):
        text = doctor.explain_error(wrong)
        assert "exception" in text and "\n" not in text
    assert FALLBACK in doctor.explain_error(
        KeyError("something else"), model=keras.Sequential([keras.Input(shape=(2,))])
    )


def test_two_target_arrays_for_a_model_with_one_output(keras):
    inputs = keras.Input(shape=(4,))
    model = keras.Model(inputs, keras.layers.Dense(1, name="is_match")(inputs))
    model.compile(optimizer="sgd", loss="mse")
    x, y = zeros(6, 4), [zeros(6, 1), zeros(6, 1)]
    error = raised(lambda: model.fit(x, y, epochs=1, verbose=0))
    text = doctor.explain_error(error, model=model, x=x, y=y)
    assert "one output ('is_match')" in text and "2 target arrays" in text


def test_data_for_a_model_with_two_named_inputs(keras):
    L = keras.layers
    left, right = keras.Input(shape=(3,), name="left"), keras.Input(shape=(3,), name="right")
    model = keras.Model({"left": left, "right": right}, L.Dense(1)(L.Concatenate()([left, right])))
    wrong_keys = raised(lambda: model.predict({"a": zeros(2, 3), "b": zeros(2, 3)}, verbose=0))
    assert "left" in doctor.explain_error(wrong_keys) and FALLBACK not in doctor.explain_error(wrong_keys)
    one_array = raised(lambda: model.predict(zeros(2, 3), verbose=0))
    assert "one array per input" in doctor.explain_error(one_array)
