"""The lessons' experiments: the measured demonstrations a lesson runs on real Keras models, each
with the sentences that read its numbers. One module a concept: ``learner_examples`` (lessons 01 and
02), ``generalisation``, ``batch_race`` and ``throughput`` (03), ``missing_axis`` (04),
``forecasting`` (05 and 07), ``capacity``, ``gradients`` and ``unit_timing`` (06), ``stateful``,
``state_calls`` (what fit, evaluate and predict do to the state), ``state_memory`` (a task that
needs more memory than a chunk) and ``stateful_co2`` (the real series) (07), and ``migration``
(09). They build on the engine at the top of ``course/``, which never
imports them.
"""
