"""The ``moodle`` adapter's models: a model as a Moodle competency framework, and back.

* :mod:`~competency_moodle.model.objects`: the objects a model becomes (framework,
  competencies, rules, course links, templates), from the model alone;
* :mod:`~competency_moodle.model.push`: reading those objects from Moodle and writing each
  change (``push-model``, :class:`~competency_moodle.model.push.ModelPush`);
* :mod:`~competency_moodle.model.pull`: a framework back as a model (``pull-model``,
  :class:`~competency_moodle.model.pull.ModelPull`).
"""
