"""The private library names helpers/compat.py relies on still exist in the
installed Keras and IPython.

The project pins two Keras versions: requirements.txt (the course's own venv)
and requirements-colab.txt (Colab's, used by ``make colab-test``). These tests
check whichever is installed in the venv that runs them, so each lane that runs
pytest checks its own. A failure here names the compat function to adapt.
"""

from __future__ import annotations

import inspect
from pathlib import Path

from helpers import compat


def test_keras_home_for_find_keras_models_dir():
    from keras.src.backend.config import keras_home  # compat.find_keras_models_dir

    assert callable(keras_home) and Path(keras_home()).name
    assert compat.find_keras_models_dir() == Path(keras_home()).expanduser() / "models"


def test_a_layers_first_call_for_split_model_at():
    import keras

    inputs = keras.Input((4,))
    dense = keras.layers.Dense(2)
    outputs = dense(inputs, training=False)
    keras.Model(inputs, outputs)
    assert hasattr(dense, "_inbound_nodes")  # compat.get_first_call
    node = compat.get_first_call(dense)
    assert keras.tree.flatten(node.input_tensors)[0] is inputs
    assert keras.tree.flatten(node.output_tensors)[0] is outputs
    assert node.arguments.args[0] is inputs
    assert node.arguments.kwargs == {"training": False}


def test_showtraceback_for_show_error_without_stack(tmp_path, monkeypatch, capsys):
    from IPython.core.interactiveshell import InteractiveShell

    assert "_showtraceback" in vars(InteractiveShell)  # compat.show_error_...
    parameters = list(inspect.signature(InteractiveShell._showtraceback).parameters)
    assert parameters[:4] == ["self", "etype", "evalue", "stb"]
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    shell = InteractiveShell.instance(history_length=0)
    try:
        compat.show_error_without_stack(shell, ValueError, ValueError("x"),
                                        "ValueError: what to do")
    finally:
        InteractiveShell.clear_instance()
    out = capsys.readouterr()
    shown = out.out + out.err
    assert "ValueError: what to do" in shown and "Traceback" not in shown


def test_every_private_name_in_compat_is_tested_here():
    """A private name added to compat.py needs its test in this file."""
    source = Path(compat.__file__).read_text()
    tests = Path(__file__).read_text()
    private = {"keras.src.backend.config", "_inbound_nodes", "_showtraceback"}
    for name in private:
        assert name in source and name in tests
    import re

    used = set(re.findall(r"\.(_[a-z]\w*)", source)) - {"__name__"}
    assert used <= {"_inbound_nodes", "_showtraceback"}, used


PRIVATE_USE = (r"keras\.src|tensorflow\.python|tf\.python|pip\._vendor"
               r"|\b(?!self\b|cls\b)[a-z_]\w*\._[a-z]\w*")


def test_no_private_library_name_outside_compat():
    import re

    root = Path(__file__).resolve().parents[2]
    found = []
    for folder in ("helpers", "scripts"):
        for path in sorted((root / folder).glob("*.py")):
            if path.name == "compat.py":
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                code = line.split("#")[0]
                if re.search(PRIVATE_USE, code):
                    found.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    assert found == [], "\n".join(found)


def test_patched_reduce_reduces_a_tuple_and_a_scalar_with_an_axis():
    """What Keras 3's fit asks of the strategy, on one device, where the patch
    must not change any result. (Two workers: tests/system/test_distribute.py.)"""
    import tensorflow as tf

    strategy = compat.patch_multi_worker_reduce(
        tf.distribute.OneDeviceStrategy("/cpu:0"))
    batch = (tf.ones((4, 2)), tf.range(4))
    reduced = strategy.reduce("MEAN", batch, axis=None)
    assert [tuple(t.shape) for t in reduced] == [(4, 2), (4,)]
    assert float(strategy.reduce("MEAN", tf.constant(3.0), axis=0)) == 3.0
    assert float(strategy.reduce("SUM", tf.constant([1.0, 2.0]), axis=0)) == 3.0
