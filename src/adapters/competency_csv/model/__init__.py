"""The ``csv`` adapter's models: Moodle competency framework files.

* :mod:`~competency_csv.model.framework_file`: the file's columns, reading and writing;
* :mod:`~competency_csv.model.push`: what a model becomes in the file (``push-model``,
  :func:`~competency_csv.model.push.export_framework`);
* :mod:`~competency_csv.model.pull`: a file back into a model (``pull-model``,
  :func:`~competency_csv.model.pull.import_framework`).
"""
