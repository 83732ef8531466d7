"""The shape doctor's evaluation set: real problems from public issue threads and Q&A pages.

Each case names the thread it comes from and retells the problem in Keras 3 with small sizes, in
our own words and code: ``build`` makes ``model`` (with ``keras``, ``np``, ``L = keras.layers``
and ``Input = keras.Input`` in scope; it may compile it, and it may fail, as the learner's own
model did while being built); ``x`` and ``y`` are the shapes of the learner's data and targets
(``fill`` is the value the data holds, for token ids); ``batch_size`` is what the learner passed
to ``fit``; ``first_run`` is a shape the learner ran the model on before; ``target_problem`` says
whether the targets are wrong for what the learner meant, even where Keras trains silently.

``x`` and ``y`` are each a shape tuple, a list of shape tuples (the model's inputs or outputs in
order) or a dict ``{name: shape}``. ``family`` sorts the case for the per-family report (see
``FAMILIES``; left empty, it is read from the case). ``cause`` holds words (any case) that an
explanation of the error naming the thread's real cause must contain, and ``wrong`` words that
would mean it named a wrong cause.

Ground truth is never written here: the evaluation asks Keras (``predict``, and one ``fit`` epoch
on zeros) on a fresh copy of each model.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    link: str
    story: str
    build: str
    x: tuple | list | dict | None = None
    y: tuple | list | dict | None = None
    fill: float = 0.0
    integers: bool = False
    batch_size: int | None = None
    first_run: tuple | None = None
    target_problem: bool = False
    family: str = ""
    cause: tuple[str, ...] = ()
    wrong: tuple[str, ...] = ()

    def __post_init__(self):
        if not self.family:
            family = "targets" if self.target_problem else "building" if self.x is None else "input"
            object.__setattr__(self, "family", family)
        if self.family not in FAMILIES:
            raise ValueError(f"unknown family {self.family!r} for {self.link}")


#: The families of the set, in the order of the report: models that fail while built; data against
#: the model's input; targets against the output and the loss; models with several inputs or
#: outputs, or no output head; one sample, open timesteps and batches of one; and errors whose cause
#: the doctor used to misname.
FAMILIES = ("building", "input", "targets", "model shapes", "single samples", "explanations")


GH = "https://github.com/"

CASES = (
    # --- models that fail while being built: only explain_error can help ---------------------------------
    Case(
        GH + "tensorflow/tensorflow/issues/46794",
        "A block that convolves across time hands an LSTM a 4-D tensor.",
        "inputs = Input(shape=(5, 4, 3))\nmodel = keras.Model(inputs, L.LSTM(4)(inputs))",
    ),
    Case(
        GH + "shreyans29/thesemicolon/issues/5",
        "An LSTM whose input shape is one flat row of 15 values.",
        "model = keras.Sequential([Input(shape=(15,)), L.LSTM(8, return_sequences=True), L.Dense(1)])",
    ),
    Case(
        GH + "keras-team/keras/issues/7403",
        "Characters of words embedded, then fed to an LSTM as if they were one sequence.",
        "model = keras.Sequential([Input(shape=(5, 7)), L.Embedding(30, 4), L.LSTM(8), L.Dense(1)])",
    ),
    Case(
        GH + "keras-team/keras/issues/11480",
        "The Input shape copied from the data, its one sample included: (1, 6, 30).",
        "model = keras.Sequential([Input(shape=(1, 6, 30)), L.LSTM(8, return_sequences=True), L.Dense(1)])",
    ),
    Case(
        GH + "keras-team/keras/issues/3385",
        "A Reshape to (3, 4) in front of a Conv2D: no channel axis.",
        "model = keras.Sequential([Input(shape=(12,)), L.Reshape((3, 4)), L.Conv2D(2, 2), L.Flatten(), L.Dense(1)])",
    ),
    Case(
        GH + "keras-team/keras/issues/12622",
        "A Flatten inside the loop of convolution blocks, so the second Conv2D gets 2-D input.",
        "model = keras.Sequential([Input(shape=(8, 8, 1)), L.Conv2D(4, 3, padding='same'), L.Flatten(), L.Conv2D(4, 3), L.Dense(1)])",
    ),
    Case(
        GH + "keras-team/keras/issues/1894",
        "Grey images declared channels first, (1, 31, 31), under a 7 x 7 convolution.",
        "model = keras.Sequential([Input(shape=(1, 31, 31)), L.Conv2D(16, 7), L.Flatten(), L.Dense(1)])",
    ),
    Case(
        GH + "keras-team/keras/issues/10903",
        "An RGB frame declared with its batch axis in the Input: (1, 3, 16, 16).",
        "model = keras.Sequential([Input(shape=(1, 3, 16, 16)), L.Conv2D(4, 3), L.Flatten(), L.Dense(1)])",
    ),
    Case(
        GH + "tensorflow/tensorflow/issues/44065",
        "A Conv1D on an Input of (1886,): no channel axis.",
        "model = keras.Sequential([Input(shape=(64,)), L.Conv1D(8, 1, strides=3), L.Flatten(), L.Dense(2)])",
    ),
    Case(
        GH + "keras-team/keras/issues/7136",
        "A Dense layer then a Conv1D on flat vectors.",
        "inputs = Input(shape=(72,))\nhidden = L.Dense(8)(inputs)\nmodel = keras.Model(inputs, L.Conv1D(8, 3)(hidden))",
    ),
    Case(
        GH + "keras-team/keras/issues/20106",
        "A stateful LSTM written with Keras 2's batch_input_shape.",
        "model = keras.Sequential([L.LSTM(4, batch_input_shape=(1, 1, 7), stateful=True), L.Dense(1)])",
    ),
    Case(
        GH + "yangwohenmai/LSTM/issues/19",
        "batch_size passed to the LSTM layer itself.",
        "model = keras.Sequential([Input(shape=(1, 1)), L.LSTM(4, batch_size=1, stateful=True), L.Dense(3)])",
    ),
    Case(
        GH + "keras-team/keras/issues/1125",
        "A stateful GRU on an Input without a batch size.",
        "model = keras.Sequential([Input(shape=(5, 2)), L.GRU(8, return_sequences=True, stateful=True), L.Dense(2)])",
    ),
    Case(
        GH + "keras-team/keras/issues/13262",
        "A stateful LSTM in a functional model built on keras.Input(shape=...).",
        "inputs = Input(shape=(1, 12))\nmodel = keras.Model(inputs, L.LSTM(40, return_sequences=True, stateful=True)(inputs))",
    ),
    Case(
        GH + "keras-team/keras/issues/22916",
        "A pooling window larger than the feature map.",
        "model = keras.Sequential([Input(shape=(5, 5, 3)), L.MaxPooling2D(pool_size=(20, 20)), L.Flatten(), L.Dense(1)])",
    ),
    Case(
        GH + "Unispac/Animation-Avatar-Generation/issues/1",
        "A Dense layer on an input whose last size is unknown.",
        "model = keras.Sequential([Input(shape=(None,)), L.Dense(512), L.Dense(1)])",
    ),
    Case(
        GH + "tensorflow/tensorflow/issues/13348",
        "Flatten after an Input of unknown length, then Dense.",
        "model = keras.Sequential([Input(shape=(None, 3)), L.Flatten(), L.Dense(4)])",
    ),
    Case(
        GH + "keras-team/keras/issues/10053",
        "Frames declared as (72, 128) for a Conv2D: no channel axis in the model.",
        "model = keras.Sequential([Input(shape=(72, 128)), L.Conv2D(4, 5), L.MaxPooling2D(), L.Flatten(), L.Dense(1)])",
    ),
    # --- the data against the model -------------------------------------------------------------------------
    Case(
        GH + "austineaero/Remaining-Useful-Life-RUL-Estimation/issues/13",
        "A table of 100 rows of 24 sensors into an LSTM built for windows of 50.",
        "model = keras.Sequential([Input(shape=(50, 24)), L.LSTM(8), L.Dense(1)])",
        x=(100, 24),
    ),
    Case(
        GH + "lmoroney/dlaicourse/issues/34",
        "predict on one 28 x 28 test image, x_test[5].",
        "model = keras.Sequential([Input(shape=(28, 28)), L.Flatten(), L.Dense(16, activation='relu'), L.Dense(10)])",
        x=(28, 28),
    ),
    Case(
        GH + "keras-team/keras/issues/10955",
        "predict on one colour image without the batch axis.",
        "model = keras.Sequential([Input(shape=(16, 16, 3)), L.Conv2D(4, 3), L.MaxPooling2D(), L.Flatten(), L.Dense(1, activation='sigmoid')])",
        x=(16, 16, 3),
    ),
    Case(
        GH + "ChunML/ssd-tf2/issues/27",
        "Grey images without their channel axis into a Conv2D built for one channel.",
        "model = keras.Sequential([Input(shape=(30, 30, 1)), L.Conv2D(4, 3), L.GlobalAveragePooling2D(), L.Dense(2)])",
        x=(32, 30, 30),
        first_run=(32, 30, 30),
    ),
    Case(
        GH + "anujshah1003/own_data_cnn_implementation_keras/issues/9",
        "88 grey images of 24 x 24, trained with the channel axis missing.",
        "model = keras.Sequential([Input(shape=(24, 24, 1)), L.Conv2D(4, 3), L.Flatten(), L.Dense(1, activation='sigmoid')])\n"
        "model.compile(optimizer='adam', loss='binary_crossentropy')",
        x=(88, 24, 24),
        y=(88, 1),
    ),
    Case(
        GH + "ageron/handson-ml2/issues/176",
        "np.newaxis added to images that already had their channel axis.",
        "model = keras.Sequential([Input(shape=(12, 12, 1)), L.Conv2D(4, 3), L.Flatten(), L.Dense(10)])",
        x=(16, 12, 12, 1, 1),
    ),
    Case(
        GH + "stanford-futuredata/noscope/issues/26",
        "Grey frames into a model built for colour frames.",
        "model = keras.Sequential([Input(shape=(20, 20, 3)), L.Conv2D(4, 3), L.Flatten(), L.Dense(1)])",
        x=(16, 20, 20),
    ),
    Case(
        GH + "keras-team/keras/issues/870",
        "Vectors of 32 values into a Conv1D built for 32 steps of one channel.",
        "model = keras.Sequential([Input(shape=(32, 1)), L.Conv1D(4, 3), L.MaxPooling1D(2), L.Flatten(), L.Dense(1)])",
        x=(64, 32),
        first_run=(64, 32),
    ),
    Case(
        GH + "keras-team/keras/issues/1752",
        "2-D rows into a functional Conv1D model built on (40, 1).",
        "inputs = Input(shape=(40, 1))\nhidden = L.MaxPooling1D(2)(L.Conv1D(6, 3, activation='relu')(inputs))\n"
        "model = keras.Model(inputs, L.Dense(1, activation='sigmoid')(L.Flatten()(hidden)))\n"
        "model.compile(optimizer='adam', loss='binary_crossentropy')",
        x=(50, 40),
        y=(50, 1),
    ),
    Case(
        GH + "keras-team/keras/issues/13151",
        "Conv1D with the Input shape set to X_train.shape, rows included.",
        "model = keras.Sequential([Input(shape=(200, 2)), L.Conv1D(8, 3, activation='relu'), L.Flatten(), L.Dense(3)])",
        x=(200, 2),
    ),
    Case(
        GH + "keras-team/keras/issues/1005",
        "EEG stored as 7 channels of 100 samples, into a Conv1D built channels last.",
        "model = keras.Sequential([Input(shape=(100, 7)), L.Conv1D(8, 5), L.MaxPooling1D(2), L.Flatten(), L.Dense(2)])",
        x=(20, 7, 100),
    ),
    Case(
        GH + "keras-team/keras/issues/272",
        "Sequences stored as (samples, channels, length) for a functional Conv1D.",
        "inputs = Input(shape=(50, 3))\nmodel = keras.Model(inputs, L.Dense(1)(L.GlobalMaxPooling1D()(L.Conv1D(4, 5)(inputs))))",
        x=(10, 3, 50),
        first_run=(10, 3, 50),
    ),
    Case(
        GH + "keras-team/keras/issues/2090",
        "Clips of 4 blocks of 16 values into TimeDistributed(Conv1D) without a channel axis.",
        "model = keras.Sequential([Input(shape=(4, 16, 1)), L.TimeDistributed(L.Conv1D(2, 3)), L.TimeDistributed(L.Flatten()), L.LSTM(3), L.Dense(1)])",
        x=(6, 4, 16),
    ),
    Case(
        GH + "tum-pbs/pbdl-book/pull/10",
        "Five numbers as a 1-D array into a Dense model built on one feature.",
        "model = keras.Sequential([Input(shape=(1,)), L.Dense(8, activation='tanh'), L.Dense(1)])",
        x=(5,),
    ),
    Case(
        GH + "keras-team/keras/issues/4122",
        "A Dense layer on sequences of 10 features, any length.",
        "model = keras.Sequential([Input(shape=(None, 10)), L.Dense(32)])",
        x=(4, 5, 10),
    ),
    Case(
        GH + "tensorflow/tensorflow/issues/12795",
        "An 8 x 8 average pooling on feature maps smaller than 8.",
        "model = keras.Sequential([Input(shape=(None, None, 3)), L.Conv2D(4, 3), L.AveragePooling2D(8), L.GlobalAveragePooling2D(), L.Dense(1)])",
        x=(2, 8, 8, 3),
    ),
    Case(
        GH + "itberrios/3D/issues/6",
        "Sequences shorter than the convolution and pooling windows.",
        "model = keras.Sequential([Input(shape=(None, 1)), L.Conv1D(4, 5), L.MaxPooling1D(2), L.GlobalMaxPooling1D(), L.Dense(1)])",
        x=(8, 4, 1),
    ),
    Case(
        GH + "tensorflow/tensorflow/issues/42986",
        "Glucose readings, 12 per row, into an LSTM built on (12, 1), trained.",
        "model = keras.Sequential([Input(shape=(12, 1)), L.LSTM(16), L.Dense(1)])\nmodel.compile(optimizer='adam', loss='mse')",
        x=(40, 12),
        y=(40, 1),
        first_run=(40, 12),
    ),
    Case(
        GH + "keras-team/keras/issues/815",
        "Sentences of 30 values into an LSTM built on (9, 30): one sentence per sample.",
        "model = keras.Sequential([Input(shape=(9, 30)), L.LSTM(8), L.Dense(30)])",
        x=(9, 30),
    ),
    Case(
        GH + "tensorflow/tfjs/issues/482",
        "An LSTM stack with 2 steps in, compared with 3 steps of targets.",
        "model = keras.Sequential([Input(shape=(2, 1)), L.LSTM(3, return_sequences=True), L.LSTM(1, return_sequences=True)])\n"
        "model.compile(optimizer='sgd', loss='mse')",
        x=(1, 2, 1),
        y=(1, 3, 1),
        target_problem=True,
    ),
    # --- Embedding: token ids --------------------------------------------------------------------------------
    Case(
        GH + "keras-team/keras/issues/6081",
        "Token ids of shape (1, 12) flattened before an Embedding and a SimpleRNN.",
        "model = keras.Sequential([Input(shape=(1, 12)), L.Flatten(), L.Embedding(1000, 10), L.SimpleRNN(10)])",
        x=(4, 1, 12),
        integers=True,
        fill=5,
    ),
    Case(
        GH + "keras-team/keras/issues/19294",
        "A functional Embedding model built for 10 tokens, fed padded sequences of 12.",
        "inputs = Input(shape=(10,))\nmodel = keras.Model(inputs, L.Dense(1)(L.LSTM(4)(L.Embedding(50, 4)(inputs))))",
        x=(4, 12),
        integers=True,
        fill=3,
    ),
    Case(
        GH + "codebasics/deep-learning-keras-tf-tutorial/pull/23",
        "An Embedding in a Sequential model for sentences of 4 words.",
        "model = keras.Sequential([Input(shape=(4,)), L.Embedding(30, 5), L.Flatten(), L.Dense(1, activation='sigmoid')])\n"
        "model.compile(optimizer='adam', loss='binary_crossentropy')",
        x=(10, 4),
        y=(10,),
        integers=True,
        fill=7,
    ),
    Case(
        GH + "keras-team/keras/issues/11819",
        "Token ids that reach the vocabulary size: input_dim one short.",
        "model = keras.Sequential([Input(shape=(5,)), L.Embedding(50, 4), L.LSTM(3), L.Dense(1)])",
        x=(8, 5),
        integers=True,
        fill=50,
    ),
    Case(
        GH + "tensorflow/tensorflow/issues/59709",
        "Ids beyond the Embedding's rows, found while training.",
        "model = keras.Sequential([Input(shape=(6,)), L.Embedding(60, 4), L.GlobalAveragePooling1D(), L.Dense(1)])\n"
        "model.compile(optimizer='adam', loss='mse')",
        x=(8, 6),
        y=(8, 1),
        integers=True,
        fill=75,
    ),
    Case(
        GH + "tensorflow/tensorflow/issues/37254",
        "A functional text model whose ids equal the Embedding's size.",
        "inputs = Input(shape=(5,))\nmodel = keras.Model(inputs, L.Dense(2, activation='softmax')(L.Flatten()(L.Embedding(10, 3)(inputs))))",
        x=(4, 5),
        integers=True,
        fill=10,
    ),
    Case(
        GH + "sedflix/DeepCoherence/issues/4",
        "A padding id of -1 in the token ids.",
        "model = keras.Sequential([Input(shape=(6,)), L.Embedding(40, 4), L.LSTM(2), L.Dense(1)])",
        x=(4, 6),
        integers=True,
        fill=-1,
    ),
    Case(
        GH + "keras-team/keras/issues/1509",
        "Token ids stored with a trailing axis of one, (samples, 10, 1), for an Embedding.",
        "model = keras.Sequential([Input(shape=(10,)), L.Embedding(20, 4), L.LSTM(3), L.Dense(1)])",
        x=(6, 10, 1),
        integers=True,
        fill=2,
    ),
    # --- targets against the output and the loss --------------------------------------------------------------
    Case(
        GH + "keras-team/keras/issues/17368",
        "A language model with one output per sequence, trained on a label for every step.",
        "model = keras.Sequential([Input(shape=(30,)), L.Embedding(40, 4), L.LSTM(8), L.Dense(40, activation='softmax')])\n"
        "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')",
        x=(16, 30),
        y=(16, 30),
        integers=True,
        target_problem=True,
    ),
    Case(
        GH + "tensorflow/tensorflow/issues/32333",
        "One-hot labels with SparseCategoricalCrossentropy.",
        "model = keras.Sequential([Input(shape=(3, 5)), L.Flatten(), L.Dense(3, activation='softmax')])\n"
        "model.compile(optimizer='adam', loss=keras.losses.SparseCategoricalCrossentropy())",
        x=(20, 3, 5),
        y=(20, 3),
        target_problem=True,
    ),
    Case(
        GH + "tensorflow/privacy/issues/38",
        "One-hot labels flattened to one long axis: ten times as many targets as images.",
        "model = keras.Sequential([Input(shape=(8,)), L.Dense(10, activation='softmax')])\n"
        "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')",
        x=(25, 8),
        y=(250,),
        target_problem=True,
    ),
    Case(
        GH + "keras-team/keras/issues/7749",
        "Softmax over sequences of pairs, one-hot targets and the sparse loss.",
        "model = keras.Sequential([Input(shape=(None, 2)), L.Dense(2), L.Activation('softmax')])\n"
        "model.compile(optimizer='rmsprop', loss='sparse_categorical_crossentropy')",
        x=(1, 1, 2),
        y=(1, 1, 2),
        target_problem=True,
    ),
    Case(
        GH + "keras-team/keras/issues/3009",
        "Class numbers, one per sample, with the sparse loss: the right pairing.",
        "model = keras.Sequential([Input(shape=(2,)), L.Dense(32, activation='relu'), L.Dense(10, activation='softmax')])\n"
        "model.compile(optimizer='sgd', loss='sparse_categorical_crossentropy')",
        x=(3, 2),
        y=(3,),
    ),
    Case(
        GH + "keras-team/keras/issues/7339",
        "Labels of shape (928, 1) for two softmax units and categorical cross-entropy.",
        "model = keras.Sequential([Input(shape=(6,)), L.Dense(8, activation='relu'), L.Dense(2, activation='softmax')])\n"
        "model.compile(optimizer='adam', loss='categorical_crossentropy')",
        x=(32, 6),
        y=(32, 1),
        target_problem=True,
    ),
    Case(
        GH + "DeepLearningSandbox/DeepLearningSandbox/issues/3",
        "Fine-tuning a small CNN with class numbers and categorical cross-entropy.",
        "model = keras.Sequential([Input(shape=(16, 16, 3)), L.Conv2D(4, 3), L.GlobalAveragePooling2D(), L.Dense(5, activation='softmax')])\n"
        "model.compile(optimizer='adam', loss='categorical_crossentropy')",
        x=(32, 16, 16, 3),
        y=(32, 1),
        target_problem=True,
    ),
    Case(
        GH + "keras-team/keras/issues/12910",
        "Six one-hot classes against a softmax of ten.",
        "model = keras.Sequential([Input(shape=(8, 8, 3)), L.Flatten(), L.Dense(16, activation='relu'), L.Dense(10, activation='softmax')])\n"
        "model.compile(optimizer='adam', loss='categorical_crossentropy')",
        x=(30, 8, 8, 3),
        y=(30, 6),
        target_problem=True,
    ),
    Case(
        GH + "keras-team/keras/issues/3109",
        "Three class numbers as a flat list with categorical cross-entropy.",
        "model = keras.Sequential([Input(shape=(2,)), L.Dense(64, activation='relu'), L.Dense(10, activation='softmax')])\n"
        "model.compile(optimizer='sgd', loss='categorical_crossentropy')",
        x=(3, 2),
        y=(3,),
        target_problem=True,
    ),
    Case(
        GH + "keras-team/keras/issues/11904",
        "A CNN with ten softmax units, labels as one number per image.",
        "model = keras.Sequential([Input(shape=(12, 12, 1)), L.Conv2D(4, 3, padding='same'), L.MaxPooling2D(), L.Flatten(), L.Dense(10, activation='softmax')])\n"
        "model.compile(optimizer='adam', loss='categorical_crossentropy')",
        x=(16, 12, 12, 1),
        y=(16,),
        target_problem=True,
    ),
    Case(
        GH + "keras-team/keras/issues/5214",
        "TimeDistributed softmax after return_sequences, one one-hot label per sequence.",
        "model = keras.Sequential([Input(shape=(None, 10)), L.LSTM(8, return_sequences=True), L.TimeDistributed(L.Dense(7, activation='softmax'))])\n"
        "model.compile(optimizer='adam', loss='categorical_crossentropy')",
        x=(12, 6, 10),
        y=(12, 7),
        target_problem=True,
    ),
    Case(
        GH + "keras-team/keras/issues/3105",
        "Sequences in and sequences out, but the LSTM returns only its last step.",
        "model = keras.Sequential([Input(shape=(9, 15)), L.LSTM(16), L.Dense(15, activation='softmax')])\n"
        "model.compile(optimizer='adam', loss='categorical_crossentropy')",
        x=(10, 9, 15),
        y=(10, 9, 15),
        target_problem=True,
    ),
    Case(
        GH + "keras-team/keras/issues/13573",
        "A stacked LSTM ending in 5 classes, trained on a one-hot label per step.",
        "inputs = Input(shape=(10, 12))\nhidden = L.LSTM(8, return_sequences=True)(inputs)\nhidden = L.LSTM(8)(L.Dense(8)(hidden))\n"
        "model = keras.Model(inputs, L.Dense(5, activation='softmax')(hidden))\n"
        "model.compile(optimizer='adam', loss='categorical_crossentropy')",
        x=(16, 10, 12),
        y=(16, 10, 5),
        target_problem=True,
    ),
    Case(
        GH + "keras-team/keras/issues/2415",
        "An LSTM that returns sequences straight into Dense(1), one target per window.",
        "model = keras.Sequential([Input(shape=(10, 1)), L.LSTM(10, return_sequences=True), L.Dense(1)])\n"
        "model.compile(optimizer='adam', loss='mse')",
        x=(20, 10, 1),
        y=(20, 1),
        target_problem=True,
    ),
    Case(
        GH + "keras-team/keras/issues/1838",
        "11 classes per sequence, but a TimeDistributed softmax per step.",
        "model = keras.Sequential([Input(shape=(20, 4)), L.LSTM(8, return_sequences=True), L.Dropout(0.2), L.TimeDistributed(L.Dense(11)), L.Activation('softmax')])\n"
        "model.compile(optimizer='rmsprop', loss='categorical_crossentropy')",
        x=(8, 20, 4),
        y=(8, 11),
        target_problem=True,
    ),
    Case(
        GH + "keras-team/keras/issues/8934",
        "One sequence of 229 steps with a target per step, and an LSTM that returns one output.",
        "model = keras.Sequential([Input(shape=(None, 2)), L.LSTM(10), L.Dense(4, activation='tanh'), L.Dense(1, activation='tanh')])\n"
        "model.compile(optimizer='adam', loss='mse')",
        x=(1, 229, 2),
        y=(1, 229),
        target_problem=True,
    ),
    Case(
        GH + "keras-team/keras/issues/6318",
        "A per-step TimeDistributed output trained with one target per sequence.",
        "inputs = Input(shape=(None, 24))\nhidden = L.LSTM(8, return_sequences=True)(inputs)\n"
        "model = keras.Model(inputs, L.TimeDistributed(L.Dense(1))(L.Add()([L.LSTM(8, return_sequences=True)(hidden), hidden])))\n"
        "model.compile(optimizer='adam', loss='mse')",
        x=(12, 6, 24),
        y=(12, 1),
        target_problem=True,
    ),
    Case(
        GH + "keras-team/keras/issues/11554",
        "Stock windows with a close price per step as targets, and one output per window.",
        "model = keras.Sequential([Input(shape=(20, 4)), L.LSTM(8, return_sequences=True), L.LSTM(8), L.Dense(8, activation='relu'), L.Dense(1)])\n"
        "model.compile(optimizer='adam', loss='mse')",
        x=(64, 20, 4),
        y=(64, 20, 1),
        target_problem=True,
    ),
    Case(
        GH + "keras-team/keras/issues/2858",
        "Video frames through an LSTM that returns sequences, a softmax per frame, one label per video.",
        "model = keras.Sequential([Input(shape=(5, 12)), L.LSTM(8, return_sequences=True), L.Dense(9, activation='softmax')])\n"
        "model.compile(optimizer='adam', loss='categorical_crossentropy')",
        x=(10, 5, 12),
        y=(10, 9),
        target_problem=True,
    ),
    Case(
        GH + "keras-team/keras/issues/983",
        "Two softmax units trained with mse on one 0/1 label per signal.",
        "model = keras.Sequential([Input(shape=(50, 1)), L.Conv1D(5, 5), L.MaxPooling1D(), L.Flatten(), L.Dense(2, activation='softmax')])\n"
        "model.compile(optimizer='rmsprop', loss='mse')",
        x=(16, 50, 1),
        y=(16,),
        target_problem=True,
    ),
    Case(
        GH + "tensorflow/tensorflow/issues/28442",
        "Grey images for a CNN with no head, trained with binary cross-entropy.",
        "model = keras.Sequential([Input(shape=(20, 20, 1)), L.Conv2D(4, 3, activation='relu'), L.MaxPooling2D(), L.Conv2D(4, 3, activation='relu')])\n"
        "model.compile(optimizer='adam', loss='binary_crossentropy')",
        x=(24, 20, 20),
        y=(24,),
        target_problem=True,
    ),
    Case(
        GH + "keras-team/keras/issues/5663",
        "Predict 96 points from 96: a TimeDistributed Dense(96) per step against one value per step.",
        "model = keras.Sequential([Input(shape=(12, 1)), L.LSTM(8, return_sequences=True), L.TimeDistributed(L.Dense(12, activation='relu'))])\n"
        "model.compile(optimizer='adam', loss='mse')",
        x=(16, 12, 1),
        y=(16, 12, 1),
        target_problem=True,
    ),
    # --- stateful models -----------------------------------------------------------------------------------
    Case(
        GH + "keras-team/keras/issues/2030",
        "A stateful GRU, 10 sequences in batches of 4.",
        "model = keras.Sequential([Input(batch_shape=(4, 5, 3)), L.GRU(6, stateful=True), L.Dense(1)])\n"
        "model.compile(optimizer='adam', loss='mse')",
        x=(10, 5, 3),
        y=(10, 1),
        batch_size=4,
    ),
    Case(
        GH + "tensorflow/tensorflow/issues/86310",
        "A stateful LSTM with batches of 8 and 100 samples.",
        "model = keras.Sequential([Input(batch_shape=(8, 5, 1)), L.LSTM(4, stateful=True), L.Dense(1)])\n"
        "model.compile(optimizer='adam', loss='mse')",
        x=(100, 5, 1),
        y=(100, 1),
        batch_size=8,
    ),
    Case(
        GH + "keras-team/keras/issues/1938",
        "A stateful LSTM built for batches of 4, trained with batch_size=8.",
        "model = keras.Sequential([Input(batch_shape=(4, 6, 2)), L.LSTM(4, stateful=True), L.Dense(1)])\n"
        "model.compile(optimizer='adam', loss='mse')",
        x=(16, 6, 2),
        y=(16, 1),
        batch_size=8,
    ),
    Case(
        GH + "keras-team/keras/issues/4010",
        "A stateful LSTM whose batch_input_shape starts with the number of timesteps.",
        "model = keras.Sequential([Input(batch_shape=(20, 20, 3)), L.LSTM(4, return_sequences=True, stateful=True), "
        "L.SimpleRNN(2, return_sequences=True, stateful=True)])\n"
        "model.compile(optimizer='sgd', loss='mse')",
        x=(10, 20, 3),
        y=(10, 20, 2),
        batch_size=5,
    ),
    # --- models with several inputs or outputs, or without an output head ------------------------------
    Case(
        GH + "keras-team/keras/issues/7354",
        "Two inputs and two outputs, but the generator hands fit one target array: the model needs a target "
        "for each of its outputs, not a second input.",
        "a = Input(shape=(5,), name='words')\nb = Input(shape=(3,), name='meta')\nh = L.Concatenate()([a, b])\n"
        "model = keras.Model([a, b], [L.Dense(1, name='price')(h), L.Dense(1, name='kind')(h)])\n"
        "model.compile(optimizer='adam', loss='mse')",
        x=[(16, 5), (16, 3)],
        y=(16, 1),
        family="model shapes",
        cause=("price", "kind"),
    ),
    Case(
        GH + "keras-team/keras/issues/14322",
        "Two image branches merged, trained with a dict whose keys (I1, I2) are not the names of the model's "
        "inputs: Keras looks the arrays up by input name.",
        "a = Input(shape=(6, 6, 2), name='image_a')\nb = Input(shape=(6, 6, 2), name='image_b')\n"
        "h = L.Concatenate()([L.Flatten()(L.Dense(4)(a)), L.Flatten()(L.Dense(4)(b))])\n"
        "model = keras.Model([a, b], L.Dense(3, activation='softmax')(h))\n"
        "model.compile(optimizer='adam', loss='categorical_crossentropy')",
        x={"I1": (8, 6, 6, 2), "I2": (8, 6, 6, 2)},
        y=(8, 3),
        family="model shapes",
        cause=("image_a", "image_b"),
    ),
    Case(
        GH + "keras-team/keras/issues/2427",
        "Two branches merged into one classifier, but fit is given a single array for a model with two inputs.",
        "a = Input(shape=(12,), name='left_branch')\nb = Input(shape=(12,), name='right_branch')\nh = L.Concatenate()([L.Dense(4)(a), L.Dense(4)(b)])\n"
        "model = keras.Model([a, b], L.Dense(5, activation='softmax')(h))\n"
        "model.compile(optimizer='rmsprop', loss='categorical_crossentropy')",
        x=(10, 12),
        y=(10, 5),
        family="model shapes",
        cause=("left_branch", "right_branch"),
    ),
    Case(
        GH + "keras-team/keras/issues/12523",
        "Two token inputs (words and their tags) into one classifier, validated on one array only.",
        "a = Input(shape=(7,), name='words')\nb = Input(shape=(7,), name='tags')\n"
        "h = L.Concatenate()([L.GRU(4)(L.Embedding(30, 4)(a)), L.GRU(4)(L.Embedding(30, 4)(b))])\n"
        "model = keras.Model([a, b], L.Dense(5, activation='softmax')(h))\n"
        "model.compile(optimizer='sgd', loss='categorical_crossentropy')",
        x=(6, 7),
        y=(6, 5),
        integers=True,
        fill=2,
        family="model shapes",
        cause=("words", "tags"),
    ),
    Case(
        GH + "tensorflow/tensorflow/issues/39226",
        "A generator with one input is given two arrays to predict on, the second one of another width.",
        "inputs = Input(shape=(4,), name='noise')\nmodel = keras.Model(inputs, L.Dense(3)(L.Dense(8)(inputs)))",
        x=[(5, 4), (5, 6)],
        family="model shapes",
        cause=("noise",),
    ),
    Case(
        GH + "keras-team/keras/issues/9475",
        "A pair of images in, meant to give two answers, but the model was built with one output while fit gets "
        "two target arrays.",
        "a = Input(shape=(8, 8, 3))\nb = Input(shape=(8, 8, 3))\n"
        "h = L.Concatenate()([L.GlobalAveragePooling2D()(L.Conv2D(4, 3)(a)), L.GlobalAveragePooling2D()(L.Conv2D(4, 3)(b))])\n"
        "model = keras.Model([a, b], L.Dense(1, activation='sigmoid', name='is_match')(h))\n"
        "model.compile(optimizer='sgd', loss='binary_crossentropy')",
        x=[(6, 8, 8, 3), (6, 8, 8, 3)],
        y=[(6, 1), (6, 1)],
        family="model shapes",
        cause=("is_match",),
    ),
    Case(
        GH + "keras-team/keras/issues/5413",
        "Several softmax heads of two units each, fed one stacked target array instead of a list, one per head.",
        "inputs = Input(shape=(10,))\nh = L.Dense(8, activation='relu')(inputs)\n"
        "model = keras.Model(inputs, [L.Dense(2, activation='softmax', name=f'digit_{i}')(h) for i in range(3)])\n"
        "model.compile(optimizer='adam', loss='categorical_crossentropy')",
        x=(6, 10),
        y=(6, 3, 2),
        family="model shapes",
        cause=("digit_0",),
    ),
    Case(
        GH + "keras-team/keras/issues/20346",
        "Two inputs and two outputs with losses and targets given as dicts keyed by the output names: correct, "
        "and it trains (a Keras 3.5 regression that reordered them has since been fixed).",
        "a = Input(shape=(10,), name='a')\nb = Input(shape=(5,), name='b')\n"
        "c = L.Reshape((5, 4), name='c')(L.Dense(20)(a))\nd = L.Dense(1, name='d')(b)\n"
        "model = keras.Model([a, b], [d, c])\nmodel.compile(optimizer='adam', loss={'d': 'mse', 'c': 'mae'})",
        x={"a": (8, 10), "b": (8, 5)},
        y={"d": (8, 1), "c": (8, 5, 4)},
        family="model shapes",
    ),
    Case(
        GH + "tensorflow/tensorflow/issues/34691",
        "A model whose outputs are a dict, compiled with a loss per dict key: Keras 3 reads the keys.",
        "inputs = Input(shape=(1,))\nout = L.Dense(1)(inputs)\ntwice = L.Rescaling(2.0)(out)\n"
        "model = keras.Model(inputs, {'y': out, 'y_times_2': twice})\n"
        "model.compile(optimizer='sgd', loss={'y': 'mse', 'y_times_2': 'mse'})",
        x=(12, 1),
        y={"y": (12, 1), "y_times_2": (12, 1)},
        family="model shapes",
    ),
    Case(
        GH + "keras-team/keras/issues/13656",
        "A classifier head and a regression head from one feature vector, outputs and losses named in dicts.",
        "inputs = Input(shape=(10,), name='a_feature')\n"
        "model = keras.Model({'a_feature': inputs}, {'probability': L.Dense(1, activation='sigmoid')(inputs), "
        "'regression': L.Dense(1)(inputs)})\n"
        "model.compile(optimizer='rmsprop', loss={'probability': 'binary_crossentropy', 'regression': 'mse'})",
        x={"a_feature": (16, 10)},
        y={"probability": (16, 1), "regression": (16, 1)},
        family="model shapes",
    ),
    Case(
        GH + "keras-team/keras-contrib/issues/229",
        "A DenseNet whose last Dense sits on the 7 x 7 feature map, never pooled or flattened: the output keeps "
        "its grid, (7, 7, 2), against one label pair per image.",
        "model = keras.Sequential([Input(shape=(14, 14, 3)), L.Conv2D(8, 3, strides=2, padding='same'), "
        "L.Dense(2, activation='softmax')])\nmodel.compile(optimizer='adam', loss='categorical_crossentropy')",
        x=(8, 14, 14, 3),
        y=(8, 2),
        target_problem=True,
        family="model shapes",
    ),
    Case(
        GH + "keras-team/keras/issues/12870",
        "A pretrained convolutional base topped with only a Flatten, no Dense head: its 10 values stand in for "
        "11 classes.",
        "model = keras.Sequential([Input(shape=(8, 8, 3)), L.Conv2D(10, 8), L.Flatten()])\n"
        "model.compile(optimizer='adam', loss='categorical_crossentropy')",
        x=(6, 8, 8, 3),
        y=(6, 11),
        target_problem=True,
        family="model shapes",
    ),
    # --- one sample, open timesteps, batches of one -------------------------------------------------------
    Case(
        GH + "keras-team/keras/issues/11464",
        "One sample of 6 steps by 30 values, (6, 30), given to an LSTM built on (6, 30): the sample axis is missing.",
        "model = keras.Sequential([Input(shape=(6, 30)), L.LSTM(8, return_sequences=True), L.Dense(1)])",
        x=(6, 30),
        family="single samples",
    ),
    Case(
        GH + "karolzak/keras-unet/issues/46",
        "Generating from one sequence of 9 steps by 4 features, passed as (9, 4) to a model on (9, 4).",
        "model = keras.Sequential([Input(shape=(9, 4)), L.GRU(6, return_sequences=True), L.Dense(4)])",
        x=(9, 4),
        family="single samples",
    ),
    Case(
        GH + "tensorflow/tensorflow/issues/31600",
        "predict on one row of 7 numbers as a flat array: Keras reads it as 7 samples of one value.",
        "model = keras.Sequential([Input(shape=(7,)), L.Dense(7), L.Dense(12), L.Dense(1)])",
        x=(7,),
        family="single samples",
    ),
    Case(
        GH + "keras-team/keras/issues/3107",
        "Adding two bytes bit by bit: one sequence of 8 steps of 2 bits, (8, 2), for a GRU built on (8, 2).",
        "model = keras.Sequential([Input(shape=(8, 2)), L.GRU(16), L.Activation('relu'), L.Dense(2, activation='softmax')])",
        x=(8, 2),
        family="single samples",
    ),
    Case(
        GH + "keras-team/keras/issues/6776",
        "An LSTM on sequences of any length, (None, 1), fed series stored as (samples, 1, length): the length sits "
        "where the one feature should be.",
        "model = keras.Sequential([Input(shape=(None, 1)), L.LSTM(8), L.Dense(1)])",
        x=(6, 1, 27),
        family="single samples",
        cause=("timesteps",),
        wrong=("27 features",),
    ),
    Case(
        GH + "keras-team/keras/issues/3683",
        "Sequences of different lengths, one per batch, into an LSTM on (None, features): accepted.",
        "model = keras.Sequential([Input(shape=(None, 3)), L.LSTM(8), L.Dropout(0.5), L.Dense(1)])\n"
        "model.compile(optimizer='adam', loss='mse')",
        x=(1, 13, 3),
        y=(1, 1),
        batch_size=1,
        family="single samples",
    ),
    Case(
        GH + "keras-team/keras/issues/85",
        "Images of text of any width read as sequences one at a time: batch_shape (1, None, features).",
        "model = keras.Sequential([Input(batch_shape=(1, None, 6)), L.LSTM(5, return_sequences=True), L.Dense(3, activation='softmax')])\n"
        "model.compile(optimizer='adam', loss='categorical_crossentropy')",
        x=(1, 17, 6),
        y=(1, 17, 3),
        batch_size=1,
        family="single samples",
    ),
    Case(
        GH + "keras-team/keras/issues/4187",
        "A stateful LSTM with open timesteps, batch_shape (4, None, 3), trained on windows of 7 steps.",
        "model = keras.Sequential([Input(batch_shape=(4, None, 3)), L.LSTM(5, stateful=True)])\n"
        "model.compile(optimizer='sgd', loss='mse')",
        x=(8, 7, 3),
        y=(8, 5),
        batch_size=4,
        family="single samples",
    ),
    Case(
        GH + "keras-team/keras/issues/2322",
        "A stateful GRU trained in batches of 4, then asked to predict one sequence.",
        "model = keras.Sequential([Input(batch_shape=(4, 5, 2)), L.GRU(6, stateful=True), L.Dense(1)])",
        x=(1, 5, 2),
        family="single samples",
        cause=("stateful",),
    ),
    Case(
        GH + "keras-team/keras/issues/7124",
        "One sequence of 10 steps by 11 features, one number to predict, reshaped to (1, 1, 1), and a Dense(11) "
        "head: the eleven outputs are each compared with the one number.",
        "model = keras.Sequential([Input(shape=(10, 11)), L.LSTM(11), L.Dense(11), L.Activation('linear')])\n"
        "model.compile(optimizer='adam', loss='mse')",
        x=(1, 10, 11),
        y=(1, 1, 1),
        target_problem=True,
        family="single samples",
    ),
    Case(
        GH + "keras-team/keras/issues/163",
        "One series, 99 steps in and the next 99 values out, through an LSTM of one unit that returns sequences.",
        "model = keras.Sequential([Input(shape=(None, 1)), L.LSTM(1, activation='sigmoid', return_sequences=True)])\n"
        "model.compile(optimizer='sgd', loss='mse')",
        x=(1, 99, 1),
        y=(1, 99, 1),
        batch_size=1,
        family="single samples",
    ),
    Case(
        GH + "keras-team/keras/issues/4870",
        "One sequence of 9 steps by 11 features predicting the next 11 values: targets (1, 11) are right.",
        "model = keras.Sequential([Input(shape=(9, 11)), L.LSTM(16), L.Dense(11)])\n"
        "model.compile(optimizer='rmsprop', loss='mse')",
        x=(1, 9, 11),
        y=(1, 11),
        family="single samples",
    ),
    Case(
        GH + "keras-team/keras/issues/3038",
        "The stateful example: one step per sample in batches of 5, two stacked stateful LSTMs.",
        "model = keras.Sequential([Input(batch_shape=(5, 1, 1)), L.LSTM(8, return_sequences=True, stateful=True), "
        "L.LSTM(8, stateful=True), L.Dense(1)])\nmodel.compile(optimizer='rmsprop', loss='mse')",
        x=(10, 1, 1),
        y=(10, 1),
        batch_size=5,
        family="single samples",
    ),
    # --- errors whose cause is easy to misname -------------------------------------------------------------
    Case(
        GH + "keras-team/keras/issues/4534",
        "Characters embedded, convolved and pooled, then a Reshape to (words, embedding size) that forgets the "
        "pooling shrank the sequence: the sizes no longer multiply out.",
        "model = keras.Sequential([Input(shape=(24,)), L.Embedding(40, 6), L.Conv1D(5, 3, activation='relu'), "
        "L.MaxPooling1D(2), L.Reshape((4, 6))])",
        family="explanations",
        cause=("Reshape",),
    ),
    Case(
        GH + "ndrplz/surround_vehicles_awareness/issues/8",
        "An encoder's feature map reshaped to a flat vector of the size another Keras version gave: it holds "
        "more values than that.",
        "model = keras.Sequential([Input(shape=(8, 8, 3)), L.Conv2D(16, 3, padding='same'), L.MaxPooling2D(2), L.Reshape((128,))])",
        family="explanations",
        cause=("Reshape",),
    ),
    Case(
        GH + "keras-team/keras-io/issues/610",
        "A (50, 50, 64) map reshaped to (50, 768): 50 * 64 values per row, not 768.",
        "model = keras.Sequential([Input(shape=(10, 10, 8)), L.Reshape((10, 48))])",
        family="explanations",
        cause=("Reshape",),
    ),
    Case(
        GH + "keras-team/keras/issues/12405",
        "Complex symbols of an autoencoder reshaped to (-1, 16) when their count is not a multiple of 16.",
        "inputs = Input(shape=(16,))\nh = L.Dense(7)(L.Dense(16, activation='relu')(inputs))\n"
        "model = keras.Model(inputs, L.Reshape((-1, 16))(h))",
        family="explanations",
        cause=("Reshape",),
    ),
    Case(
        GH + "jsalbert/Music-Genre-Classification-with-Deep-Learning/issues/8",
        "A spectrogram network's last map reshaped to (15, 128) for the recurrent part, when the input length "
        "gives a map of another size.",
        "model = keras.Sequential([Input(shape=(32, 16, 1)), L.Conv2D(8, 3, padding='same'), L.MaxPooling2D((2, 4)), "
        "L.Reshape((15, 32))])",
        family="explanations",
        cause=("Reshape",),
    ),
    Case(
        GH + "keras-team/keras/issues/7611",
        "MNIST digits declared channels first, (1, 28, 28), to a Conv2D that reads the last axis as channels.",
        "model = keras.Sequential([Input(shape=(1, 28, 28)), L.Conv2D(8, 3, activation='relu'), L.Conv2D(8, 3), L.Flatten(), L.Dense(10)])",
        family="explanations",
        cause=("channel",),
    ),
    Case(
        GH + "asingh33/CNNGestureRecognizer/issues/60",
        "Gesture images declared (channels, rows, cols) = (1, 20, 20) to a stack of 3 x 3 convolutions and pooling.",
        "model = keras.Sequential([Input(shape=(1, 20, 20)), L.Conv2D(8, 3), L.Activation('relu'), L.Conv2D(8, 3), "
        "L.MaxPooling2D(2), L.Flatten(), L.Dense(5)])",
        family="explanations",
        cause=("channel",),
    ),
    Case(
        GH + "fchollet/deep-learning-with-python-notebooks/issues/33",
        "A keras.json left at channels_first from another project: every Conv2D and pooling layer reads the "
        "colour images' first axis as channels.",
        "model = keras.Sequential([Input(shape=(15, 15, 3)), L.Conv2D(8, 3, data_format='channels_first'), "
        "L.MaxPooling2D(2, data_format='channels_first'), L.Flatten(), L.Dense(1)])",
        family="explanations",
        cause=("channels_first",),
    ),
    Case(
        GH + "keras-team/keras/issues/10641",
        "Only the first Conv2D is told data_format='channels_first' for (1, 2, 18) input; the pooling after it "
        "still reads channels last.",
        "model = keras.Sequential([Input(shape=(1, 4, 18)), L.Conv2D(8, 3, data_format='channels_first', padding='same'), "
        "L.MaxPooling2D(), L.Conv2D(4, 4), L.Flatten(), L.Dense(3)])",
        family="explanations",
        cause=("data_format",),
    ),
    Case(
        GH + "keras-team/keras/issues/19367",
        "A CNN built for 16 x 16 images trained on 32 x 32 ones: the convolutions take any size, and the Dense "
        "after the Flatten meets four times the values it was built for.",
        "model = keras.Sequential([Input(shape=(16, 16, 3)), L.Conv2D(4, 3, padding='same'), L.MaxPooling2D(), "
        "L.Flatten(), L.Dense(8, activation='relu'), L.Dense(1)])",
        x=(4, 32, 32, 3),
        family="explanations",
        cause=("Flatten",),
        wrong=("1024 features",),
    ),
    Case(
        GH + "tensorflow/tensorflow/issues/46478",
        "Text padded to 934 tokens for a model whose Input says 28: Embedding then Flatten hands the Dense "
        "far more values than it was built for.",
        "model = keras.Sequential([Input(shape=(6,)), L.Embedding(50, 4), L.Flatten(), L.Dense(3, activation='softmax')])",
        x=(5, 10),
        integers=True,
        fill=1,
        family="explanations",
        cause=("Flatten",),
        wrong=("40 features",),
    ),
    Case(
        GH + "keras-team/keras/issues/7211",
        "Embedded sentences, (words, embedding), handed straight to a Conv2D: the Embedding added one axis, a "
        "Conv2D needs one more.",
        "inputs = Input(shape=(12,))\nmodel = keras.Model(inputs, L.Conv2D(4, 3)(L.Embedding(40, 8)(inputs)))",
        family="explanations",
        cause=("Embedding",),
        wrong=("keras.Input(shape=(12, 8, 1))",),
    ),
    Case(
        GH + "jaungiers/LSTM-Neural-Network-for-Time-Series-Prediction/issues/49",
        "Sine windows of 49 steps through an LSTM that returns sequences into Dense(1): one value per step "
        "against one target per window, and a softmax-free cross-entropy to compare them.",
        "model = keras.Sequential([Input(shape=(49, 1)), L.LSTM(8, return_sequences=True), L.Dense(3, activation='softmax')])\n"
        "model.compile(optimizer='adam', loss='categorical_crossentropy')",
        x=(16, 49, 1),
        y=(16, 3),
        target_problem=True,
        family="explanations",
        cause=("return_sequences",),
        wrong=("number of classes",),
    ),
    Case(
        GH + "fchollet/deep-learning-with-python-notebooks/issues/216",
        "Five classes with a softmax of five, labels as one class number each, and binary cross-entropy: "
        "logits (32, 5) against labels (32, 1).",
        "model = keras.Sequential([Input(shape=(12,)), L.Dense(16, activation='relu'), L.Dense(5, activation='softmax')])\n"
        "model.compile(optimizer='rmsprop', loss='binary_crossentropy')",
        x=(32, 12),
        y=(32, 1),
        target_problem=True,
        family="explanations",
        cause=("sparse_categorical_crossentropy", "binary_crossentropy"),
        wrong=("loss='categorical_crossentropy'",),
    ),
    Case(
        GH + "keras-team/keras/issues/1332",
        "A stateful text generator trained in batches of 8, then asked for the next character of one seed.",
        "model = keras.Sequential([Input(batch_shape=(8, 10, 6)), L.LSTM(12, return_sequences=True, stateful=True), "
        "L.LSTM(12, stateful=True), L.Dense(6, activation='softmax')])",
        x=(1, 10, 6),
        family="explanations",
        cause=("stateful",),
    ),
    Case(
        GH + "keras-team/keras/issues/10015",
        "Windows of 90 steps in, 10 steps of 2 values out, but the LSTM returns all 90 steps of 10 units.",
        "model = keras.Sequential([Input(shape=(90, 2)), L.LSTM(10, return_sequences=True), L.Activation('linear')])\n"
        "model.compile(optimizer='adam', loss='mse')",
        x=(8, 90, 2),
        y=(8, 10, 2),
        target_problem=True,
        family="explanations",
        cause=("return_sequences",),
    ),
    # --- a few more of the data and the targets ------------------------------------------------------------
    Case(
        GH + "imfing/keras-flask-deploy-webapp/issues/7",
        "A model trained on 150 x 150 images served 224 x 224 uploads.",
        "model = keras.Sequential([Input(shape=(15, 15, 3)), L.Conv2D(4, 3), L.MaxPooling2D(), L.Flatten(), L.Dense(1, activation='sigmoid')])",
        x=(1, 22, 22, 3),
        family="input",
        cause=("Flatten",),
        wrong=("400 features",),
    ),
    Case(
        GH + "tensorflow/tensorflow/issues/46076",
        "A model for 169 steps of 7 values fed (samples, 7, 169): the two axes are the wrong way round, and a "
        "transpose fixes it.",
        "model = keras.Sequential([Input(shape=(169, 7)), L.LSTM(4), L.Dense(1)])",
        x=(12, 7, 169),
        family="input",
    ),
    Case(
        GH + "keras-team/keras/issues/13688",
        "Padded reviews of 100 ids, (samples, 100), into a model whose first Dense was declared on (100, 1).",
        "model = keras.Sequential([Input(shape=(100, 1)), L.Dense(8, activation='relu'), L.Bidirectional(L.LSTM(4)), L.Dense(1, activation='sigmoid')])",
        x=(10, 100),
        family="input",
    ),
    Case(
        GH + "mrdbourke/tensorflow-deep-learning/issues/495",
        "A regression model on one number per sample, predicted on a flat test array of 10 numbers.",
        "model = keras.Sequential([Input(shape=(1,)), L.Dense(10), L.Dense(1)])",
        x=(10,),
        family="input",
    ),
    Case(
        GH + "guillaume-chevalier/LSTM-Human-Activity-Recognition/issues/44",
        "An LSTM ending in Dense(100, relu) trained with mae on one activity number per window: a hundred "
        "outputs for one target.",
        "model = keras.Sequential([Input(shape=(30, 3)), L.LSTM(20, activation='relu'), L.Dense(100, activation='relu')])\n"
        "model.compile(optimizer='adam', loss='mae')",
        x=(24, 30, 3),
        y=(24,),
        target_problem=True,
        family="targets",
    ),
    Case(
        GH + "keras-team/keras/issues/3467",
        "The LSTM example from the guide with sequences of 11 ids and a label for each id: one output per sequence.",
        "model = keras.Sequential([Input(shape=(11,)), L.Embedding(10, 8), L.LSTM(8), L.Dropout(0.5), L.Dense(1), L.Activation('sigmoid')])\n"
        "model.compile(optimizer='rmsprop', loss='binary_crossentropy')",
        x=(10, 11),
        y=(10, 11),
        integers=True,
        fill=3,
        target_problem=True,
        family="targets",
    ),
)
