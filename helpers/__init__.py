"""Reusable pieces of the transfer-learning course, cut along the data flow.

Each function is taught first in a notebook (its docstring names which one) and
reused from here by the notebooks that follow. Importing this package does nothing
but define functions: no downloads, no TensorFlow import, no printing.

- ``assets`` (with ``downloads``): the dataset and the weights, from a local copy,
  the cache, a classroom mirror or the tutorial's URLs.
- ``checks``: check every file of a dataset folder.
- ``splits``: train, validation and test files, decided once in 01 and saved.
- ``pipeline``: file lists to batched ``tf.data`` datasets.
- ``model_parts``: augmentation, rescaling, finding the base, the N-class head
  (07).
- ``training``: resumable ``fit`` and its histories, class weights and the cache
  decision (07).
- ``artifacts``: save and load models and JSON atomically, between notebooks.
- ``evaluation``: predictions, confusion matrices, own images, export.
- ``fast``: the optional cached-features fast path (06).
- ``catchup``: what an earlier notebook saves, fetched or made (every notebook).
- ``scaling``: ``tf.distribute`` strategies, global batch and learning rate,
  mixed-precision policies (08).
- ``plots``: matplotlib plumbing for galleries and curves.
- ``compat``: the Keras 2/3 differences, in one place.
- ``session``: readable errors in a notebook.
"""

__version__ = "1.1.0"
