"""Reusable pieces of the transfer-learning course, cut along the data flow.

Each function is taught first in a notebook (its docstring names which one) and
reused from here by the notebooks that follow. Importing this package does nothing
but define functions: no downloads, no TensorFlow import, no printing.

- ``settings``: every ``TL_*`` environment variable; the variable wins over the
  notebook's parameter, which wins over the default.
- ``errors``: every exception the helpers raise.
- ``assets`` (with ``downloads``): the dataset and the weights, from a local copy,
  the cache, a classroom mirror or the tutorial's URLs.
- ``checks``: check every file of a dataset folder.
- ``splits``: train, validation and test files, decided once in 01 and saved.
- ``pipeline``: file lists to batched ``tf.data`` datasets, and whether to cache
  the decoded images in memory (07).
- ``model_parts``: augmentation, rescaling, finding the base, the N-class head
  (07).
- ``training``: resumable ``fit`` and its histories, class weights (07).
- ``artifacts``: save and load models and JSON atomically, the artifacts folder.
- ``stages``: what each notebook saves and loads (file names, the results'
  shape, the split check, which notebook to re-run); nothing else names them.
- ``evaluation``: predictions, confusion matrices, own images, export.
- ``fast``: the cached-features fast path and 06's whole recipe
  (``train_quickly``).
- ``persist``: a folder that outlives the session (``TL_PERSIST_DIR``, Google
  Drive).
- ``mirror``: the instructor's checkpoints on a classroom mirror, verified.
- ``catchup``: what an earlier notebook saves, found, copied, fetched or made
  (every notebook's "If you start here" cell).
- ``scaling``: ``tf.distribute`` strategies, global batch and learning rate,
  mixed-precision policies (08).
- ``app``: the trained model behind a small web page (Gradio), what it says
  about photos it cannot use (09, ``make demo``).
- ``plots``: matplotlib plumbing for galleries and curves.
- ``compat``: the Keras 2/3 differences, and every private library name, in one
  place.
- ``session``: readable errors in a notebook.
"""

__version__ = "1.1.0"
