"""More than two classes (notebook 07_your_own_data): the folder setting, the
check of N classes and of a test/ folder, class weights, the cache decision,
the N-logit head with its loss and accuracy, and evaluation for N classes."""

from __future__ import annotations

import numpy as np
import pytest
import synthetic

from helpers import checks, errors, evaluation, model_parts, pipeline, training

IMG_SIZE = (96, 96)  # small: these tests train a few steps on a CPU
COUNTS = synthetic.MULTICLASS_COUNTS


@pytest.fixture(scope="module")
def three_classes(tmp_path_factory):
    return synthetic.make_multiclass_dataset(tmp_path_factory.mktemp("own") / "ds")


@pytest.fixture(scope="module")
def report(three_classes, tmp_path_factory):
    return checks.check_dataset(three_classes, tmp_path_factory.mktemp("work"),
                                progress=False, max_classes=None, with_test=True)


@pytest.fixture(scope="module")
def small_model():
    """A 3-logit classifier on a small random-weights MobileNetV2, compiled."""
    import tensorflow as tf

    tf.keras.utils.set_random_seed(0)
    base = tf.keras.applications.MobileNetV2(
        input_shape=IMG_SIZE + (3,), include_top=False, weights=None, alpha=0.35)
    base.trainable = False
    model = model_parts.build_classifier(base, 3)
    model_parts.compile_for_logits(model, tf.keras.optimizers.Adam(1e-3))
    return model


# -- where the data comes from ------------------------------------------------

def test_the_environment_setting_wins_over_data_dir(monkeypatch, tmp_path,
                                                    three_classes):
    monkeypatch.setenv(checks.OWN_DATA_ENV, str(three_classes))
    assert checks.find_own_data_dir(tmp_path) == three_classes.resolve()
    monkeypatch.delenv(checks.OWN_DATA_ENV)
    assert checks.find_own_data_dir(str(three_classes)) == three_classes.resolve()


def test_no_setting_says_what_to_set_and_where_to_get_an_example(monkeypatch):
    monkeypatch.delenv(checks.OWN_DATA_ENV, raising=False)
    with pytest.raises(errors.DatasetError) as err:
        checks.find_own_data_dir(None)
    text = str(err.value)
    for hint in ("DATA_DIR", "TL_OWN_DATA_DIR", "train/<class>/",
                 "https://github.com/alexeygrigorev/clothing-dataset-small", "CC0"):
        assert hint in text


def test_a_setting_that_is_not_a_folder_is_named(monkeypatch, tmp_path):
    monkeypatch.delenv(checks.OWN_DATA_ENV, raising=False)
    with pytest.raises(errors.DatasetError, match="DATA_DIR='nowhere' does not"):
        checks.find_own_data_dir("nowhere")
    (tmp_path / "file.zip").write_text("not a folder")
    monkeypatch.setenv(checks.OWN_DATA_ENV, str(tmp_path / "file.zip"))
    with pytest.raises(errors.DatasetError, match="TL_OWN_DATA_DIR=.* is not a "
                       "folder"):
        checks.find_own_data_dir(None)


# -- checking N classes and a test/ folder -------------------------------------

def test_three_classes_pass_the_n_class_check_but_not_the_binary_one(
        three_classes, report, tmp_path):
    assert report.class_names == ("hats", "pants", "shoes")
    for split in ("train", "validation", "test"):
        labels = report.splits[split].labels
        assert [labels.count(i) for i in range(3)] == list(COUNTS[split].values())
    with pytest.raises(errors.DatasetError) as err:  # what 01_data calls
        checks.check_dataset(three_classes, tmp_path / "w", progress=False)
    text = str(err.value)
    assert "has 3 class folders ['hats', 'pants', 'shoes']" in text
    assert "notebooks 01-06 train a classifier of 2 classes" in text
    assert "07_your_own_data" in text
    assert not (tmp_path / "w").exists()  # refused before anything was written


def test_the_test_folder_is_read_only_when_asked(three_classes, report, tmp_path):
    without = checks.check_dataset(three_classes, tmp_path, progress=False,
                                   max_classes=None)
    assert list(without.splits) == ["train", "validation"]
    assert list(report.splits) == ["train", "validation", "test"]
    assert "test" in report.summary()
    again = checks.check_dataset(three_classes, tmp_path, progress=False,
                                 max_classes=None, with_test=True)
    assert again.splits == report.splits  # from the cache, in the same order
    assert list(again.splits) == ["train", "validation", "test"]


def test_a_test_folder_with_other_classes_names_the_fix(tmp_path):
    counts = {**COUNTS, "test": {"hats": 1, "pants": 1}}
    root = synthetic.make_multiclass_dataset(tmp_path / "ds", counts)
    with pytest.raises(errors.DatasetError) as err:
        checks.check_dataset(root, progress=False, max_classes=None, with_test=True)
    assert "test has ['hats', 'pants']" in str(err.value)
    assert "Give test/ the same class folders as train/" in str(err.value)


def test_a_flat_folder_of_classes_is_one_split_when_allowed(tmp_path):
    """my_photos/<class>/ as a learner has it: 07 (``flat_ok=True``) reads it as
    one split, ``all``, with every image; 01's check still asks for train/."""
    root = synthetic.make_multiclass_dataset(tmp_path / "ds", flat=True)
    assert sorted(p.name for p in root.iterdir()) == ["hats", "pants", "shoes"]
    flat = checks.check_dataset(root, tmp_path / "w", progress=False,
                                max_classes=None, with_test=True, flat_ok=True)
    assert list(flat.splits) == [checks.ALL_SPLIT]
    assert flat.class_names == ("hats", "pants", "shoes")
    labels = flat.splits[checks.ALL_SPLIT].labels
    assert [labels.count(i) for i in range(3)] == [
        sum(COUNTS[s][c] for s in COUNTS) for c in ("hats", "pants", "shoes")]
    again = checks.check_dataset(root, tmp_path / "w", progress=False,
                                 max_classes=None, with_test=True, flat_ok=True)
    assert again.splits == flat.splits  # from the check's cache
    with pytest.raises(errors.DatasetError, match="has no 'train' folder") as err:
        checks.check_dataset(root, progress=False, max_classes=None)
    assert "one folder per class" not in str(err.value)  # 01 says nothing of it
    with pytest.raises(errors.DatasetError, match="one folder per class"):
        checks.check_layout(tmp_path / "w", None, True, flat_ok=True)


def test_a_flat_folder_beside_a_validation_folder_is_not_flat(tmp_path):
    root = synthetic.make_multiclass_dataset(tmp_path / "ds", flat=True)
    (root / "validation" / "hats").mkdir(parents=True)
    with pytest.raises(errors.DatasetError, match="has no 'train' folder"):
        checks.check_dataset(root, progress=False, max_classes=None, flat_ok=True)


def test_a_flat_folder_with_one_class_names_the_fix(tmp_path):
    root = synthetic.make_multiclass_dataset(
        tmp_path / "ds", {"all": {"hats": 3}}, flat=True)
    with pytest.raises(errors.DatasetError, match="needs at least two"):
        checks.check_dataset(root, progress=False, max_classes=None, flat_ok=True)


def test_no_setting_names_the_flat_layout_too(monkeypatch):
    monkeypatch.delenv(checks.OWN_DATA_ENV, raising=False)
    with pytest.raises(errors.DatasetError, match=r"<folder>/<class>/, one "):
        checks.find_own_data_dir(None)


# -- class weights and the cache decision -------------------------------------

def test_class_weights_come_from_the_counts(report):
    weights = training.compute_class_weights(report.splits["train"].labels, 3)
    n = sum(COUNTS["train"].values())  # 42 images: 24, 12 and 6
    assert weights == {0: n / (3 * 24), 1: n / (3 * 12), 2: n / (3 * 6)}
    assert [round(w, 3) for w in weights.values()] == [0.583, 1.167, 2.333]
    # weighted, every class counts as much in the loss: count x weight = n / 3
    assert all(count * weights[i] == pytest.approx(n / 3)
               for i, count in enumerate(COUNTS["train"].values()))


def test_balanced_classes_get_weight_one_and_an_empty_class_is_refused():
    assert training.compute_class_weights([0, 1, 2, 2, 1, 0], 3) == {
        0: 1.0, 1: 1.0, 2: 1.0}
    with pytest.raises(ValueError, match="at least one image of each of the 3"):
        training.compute_class_weights([0, 0, 1], 3)


# -- the N-logit head ---------------------------------------------------------

def test_the_n_class_head_trains_on_three_classes(report, small_model):
    import tensorflow as tf

    train = pipeline.make_dataset(report.splits["train"], IMG_SIZE, 8,
                                  shuffle=True, seed=0)
    weights = training.compute_class_weights(report.splits["train"].labels, 3)
    history = small_model.fit(train.take(3), epochs=1, class_weight=weights,
                              verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert 0 <= history.history["accuracy"][0] <= 1
    assert isinstance(small_model.loss, tf.keras.losses.SparseCategoricalCrossentropy)
    images, labels = next(iter(train))
    logits = small_model.predict_on_batch(images)
    assert logits.shape == (8, 3)
    assert len(small_model.trainable_variables) == 2  # the head's kernel and bias
    assert model_parts.count_params(small_model.trainable_variables) == 1280 * 3 + 3


def test_the_accuracy_metric_reads_logits(report, small_model):
    """The class of the largest logit, whatever the logits' sign or scale."""
    import tensorflow as tf

    validation = pipeline.make_dataset(report.splits["validation"], IMG_SIZE, 6)
    _, accuracy = small_model.evaluate(validation, verbose=0)
    labels, logits, _ = evaluation.predict_logits(small_model, validation)
    assert logits.shape == (len(labels), 3)
    assert accuracy == pytest.approx(np.mean(logits.argmax(axis=1) == labels))
    metric = tf.keras.metrics.SparseCategoricalAccuracy()
    metric.update_state([1, 2, 0], [[-5.0, -1.0, -3.0], [0.1, 0.2, 9.0],
                                     [-0.5, -0.4, -0.3]])
    assert float(metric.result()) == pytest.approx(2 / 3)  # the last is wrong


def test_one_logit_compiles_with_the_threshold_at_zero():
    import tensorflow as tf

    inputs = tf.keras.Input((4,))
    dense = tf.keras.layers.Dense(1)
    model = tf.keras.Model(inputs, dense(inputs))
    dense.set_weights([np.zeros((4, 1), "float32"), np.full(1, 0.3, "float32")])
    model_parts.compile_for_logits(model, "adam")
    assert isinstance(model.loss, tf.keras.losses.BinaryCrossentropy)
    # every logit is 0.3: class 1 (a threshold at 0.5 would say class 0)
    _, accuracy = model.evaluate(np.ones((4, 4)), np.ones((4, 1)), verbose=0)
    assert accuracy == 1.0


def test_build_classifier_refuses_no_outputs(small_model):
    base = model_parts.find_base_model(small_model)
    with pytest.raises(ValueError, match="n_classes"):
        model_parts.build_classifier(base, 0)


def test_block_boundaries_are_found_by_name(small_model):
    base = model_parts.find_base_model(small_model)
    index = model_parts.find_block_start(base, "block_11_expand")
    assert base.layers[index].name == "block_11_expand"
    assert base.layers[index - 1].name == "block_10_project_BN"
    with pytest.raises(ValueError, match="no layer whose name starts with"):
        model_parts.find_block_start(base, "conv5_block1")


# -- evaluation for N classes -------------------------------------------------

def test_confusions_and_metrics_for_three_classes():
    labels = np.array([0, 0, 0, 1, 1, 2, 2, 2, 2])
    predicted = np.array([0, 1, 1, 1, 2, 2, 2, 2, 0])
    matrix = evaluation.confusion_matrix(labels, predicted, 3)
    assert matrix.tolist() == [[1, 2, 0], [0, 1, 1], [1, 0, 3]]
    names = ("hats", "pants", "longsleeve")
    m = evaluation.per_class_metrics(matrix, names)
    assert m["pants"]["precision"] == pytest.approx(1 / 3)
    assert m["longsleeve"]["recall"] == pytest.approx(3 / 4)
    assert evaluation.rank_confusions(matrix, names) == [
        ("hats", "pants", 2), ("pants", "longsleeve", 1), ("longsleeve", "hats", 1)]
    table = evaluation.format_metrics(m).splitlines()
    assert len({len(line) for line in table}) == 1  # a long name keeps columns
    p = evaluation.softmax([[1.0, 2.0, 3.0], [1000.0, 0.0, 0.0]])
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    assert p[1, 0] == pytest.approx(1.0) and p.argmax(axis=1).tolist() == [2, 0]


def test_grad_cam_explains_the_chosen_class(report, small_model):
    files = report.splits["validation"]
    images, _ = next(iter(pipeline.make_dataset(files, IMG_SIZE, 4)))
    heatmaps = evaluation.grad_cam(small_model, images)
    assert heatmaps.shape == (4, IMG_SIZE[0] // 32, IMG_SIZE[1] // 32)
    assert heatmaps.min() >= 0 and heatmaps.max() <= 1
    assert np.isclose(heatmaps.max(axis=(1, 2)), 1).all()  # scaled per image
    other = evaluation.grad_cam(small_model, images, class_indices=[2, 2, 2, 2])
    assert other.shape == heatmaps.shape


def test_own_files_are_predicted_with_softmax(report, small_model):
    paths = list(report.splits["test"].paths[:3])
    results = evaluation.predict_files(small_model, paths, report.class_names,
                                       IMG_SIZE)
    logits = small_model.predict(np.stack(
        [evaluation.read_image_file(p, IMG_SIZE) for p in paths]), verbose=0)
    probabilities = evaluation.softmax(logits)
    for r, p in zip(results, probabilities, strict=True):
        assert r["class"] == report.class_names[int(p.argmax())]
        assert r["probability"] == pytest.approx(p.max(), abs=1e-5)
