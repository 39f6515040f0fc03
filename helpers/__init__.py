"""Reusable pieces of the transfer-learning course, one module per pipeline stage.

Each function is taught first in a notebook (its docstring names which one) and
reused from here by the notebooks that follow. Importing this package does nothing
but define functions: no downloads, no TensorFlow import, no printing.

- ``assets``: get the dataset and the weights (download, mirror or local copy).
- ``data``: check a dataset folder, split it, build ``tf.data`` pipelines.
- ``augmentation``: the random flip and rotation layers.
- ``artifacts``: save and load models and histories atomically.
- ``training``: callbacks and histories for resumable training.
- ``evaluation``: predictions, confusion matrices, own images, export, Grad-CAM.
- ``fast``: the optional cached-features fast path.
- ``plots``: matplotlib plumbing for grids and curves.
- ``compat``: the Keras 2/3 differences, in one place.
"""

__version__ = "1.0.0"
