# ---
# jupyter:
#   accelerator: GPU
#   colab:
#     gpuType: T4
#   jupytext:
#     cell_metadata_filter: tags,jupyter,cellView,active,translates,-all
#     formats: ipynb,py//py:percent
#     notebook_metadata_filter: kernelspec,jupytext,accelerator,colab
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown] translates="3d7debcad04e"
# # 6. और तेज़ (वैकल्पिक)

# %% [markdown]
# <table class="tfo-notebook-buttons" align="left">
#   <td><a target="_blank" href=
#   "https://colab.research.google.com/github/tl-course/transfer-learning-course/blob/v1.1.0/notebooks-hi/06_going_faster.ipynb">
#   <img width="32" height="32" alt="" src="data:image/png;base64,
# iVBORw0KGgoAAAANSUhEUgAAACAAAAAgBAMAAACBVGfHAAAAJFBMVEUAAADtcwr7rgD0cgP8rQD/
# +QD5rAD/AADpcQnpcQn6rQCvXwBEchvPAAAADHRSTlMA9vYLEQKiAaRgZANdnNQoAAABNklEQVR4
# 2rWOMUsCYQBA333f2V3Q0NGgVNhxNSZ8cEEEDmdWkBAehDQ0aEHNQkNDQ9ZUm4uQS4hIQ5M0NzU1
# REjQZmG0RBCJhCQiNRTRH/CNb3g86AMSMGLO5CN77dG16x/pAYsSkFkAUnrivIJyi0UlQSPQLecg
# XjHBCFHT8Nt1gHQeEM2eFkjeAvAOwATi6+I3iwE8GyIahcNTW9jmSQsGbgQ2YsO9Gr8LrkZsPhUz
# jpPxUTIrkYOWpUQN4k3uVwoR9ARkBFCGbrXrQRUQPqwPk0oZBTpZKOFtOlP6AijcWdOyZlFlx/FY
# 2jJHkAdWSGqBWB3duySd3+3kEfOa1ML/1vdLGn6r8SfM157k4SnZABF+A8aCL4Cvn21XYO7oWEkA
# AgqQOwAKNEDGhj6m8y45fZn+8A1nS0xnxi7yOwAAAABJRU5ErkJggg==">
#   Google Colab में चलाएँ</a></td>
#   <td><a target="_blank" href=
#   "https://github.com/tl-course/transfer-learning-course/blob/v1.1.0/notebooks-hi/06_going_faster.ipynb">
#   <img width="32" height="32" alt="" src="data:image/png;base64,
# iVBORw0KGgoAAAANSUhEUgAAACAAAAAgBAMAAACBVGfHAAAAJFBMVEUjKC4FBwf5+fkkKS8kKTCb
# naBZXWIAAFwMWlpRUVF7foF/goVjbSp7AAAADHRSTlP7A/6fVf/+AgYG//8NrahyAAABK0lEQVR4
# 2lXRsWoUYRTF8d93ZzJGFJxBITaBJaBYWMyCvUlhHwQbC8kj5BG2TBnfIE/gMyz24hZWAWHKFC4b
# EYybZHYtZjJJbnf/93z3no+TKkNNJggUsp3FYqeeHCJViDkYN70i63rf6x68vlnyFakqrufD2lQK
# l9u3d6Jg6xkbJ1Dss/dZVbLxAt6PSM9z9ZT25dvfj6dYL1O1IEZg1VBF5l6NYn0fzOJOU0C0OOjA
# Wm/d+a0qu/ukHRT7/XQA0/5raLNHF/x4Aq7PSZFw1Sl2UUcLDeQnKEON1THZaef0sOnvJMilrfYX
# H9qZ/BTj3axYvzrz76zPYjkLGmqDkyDVvjQdKA9kD/lzIZVibvz3m8Cnp1aQNx+7bIvLmOPNTzdh
# s3lVvzt6sMR/BplK4/Ii/50AAAAASUVORK5CYII=">
#   GitHub पर देखें</a></td>
#   <td><a href=
#   "https://raw.githubusercontent.com/tl-course/transfer-learning-course/v1.1.0/notebooks-hi/06_going_faster.ipynb">
#   <img width="32" height="32" alt="" src="data:image/png;base64,
# iVBORw0KGgoAAAANSUhEUgAAACAAAAAgBAMAAACBVGfHAAAAJFBMVEVeYGlfY2ddYWdiZmsAAH//
# //8AAABjZ21eYmdVVVV+fn5eYmcZtVHgAAAADHRSTlMUh1TZAgEA/fkDA7t8Tnn/AAABFklEQVR4
# 2rWRPUsDQRRFz0w2ClHICv6ANDaBQBoNaGHCipVF1FYhoKS1FKxS2NttsRaJqLUWlkK2CHbCgqB/
# wCoImWqRuHEtZvYDsfUVA+/A3HfffaILgOXiBgAIDbKy9Pt5Xy7WbQCpebyyZ7fJAdFa7pEHcaoh
# f2n+JwgBVA7MCSBIQcHx+nDmVQd6Wyt829V2+z0fCdGamkwgVmPH119eNsQSiPJtzWjMtu4AxvtB
# MmW0riAetswU7yZa3YSP12jqNZFMG93Cw46KZ0f+9WmnLqEtqRwOlVujSMU4jbaDr+MgS71RCi/P
# 3wedBHw/AU0eD6QBC1dm9fkTDRaT6wljTCXhxAosqJbSuMIL+69jOyprn/kB4LBNPyaK8vsAAAAA
# SUVORK5CYII=">
#   नोटबुक डाउनलोड करें</a></td>
# </table>

# %% [markdown]
# English: [06_going_faster](../notebooks/06_going_faster.ipynb)

# %% [markdown] translates="6b633ea33182"
# लैपटॉप के CPU पर नोटबुक 03 और 04 अपना ज़्यादातर समय एक ही गणना बार-बार करने में
# लगाती हैं: *फ़्रीज़ (frozen)* लेयर (layer) एक ही इमेज के लिए हर एपॉक (epoch) में
# वही आउटपुट देती है। उस आउटपुट को **एक बार** निकालकर कैश (cache) कर लें, तो वही
# लेयर, उन्हीं ऑप्टिमाइज़र (optimizer), लर्निंग रेट और एपॉक के साथ, समय के छोटे-से
# हिस्से में ट्रेन हो जाती हैं:
#
# - **फ़ीचर एक्सट्रैक्शन (feature extraction):** फ़्रीज़ बेस को हर इमेज पर एक बार
#   चलाएँ, उसके पूल किए हुए 1280 फ़ीचर कैश करें, और उन पर सिर्फ़ हेड ट्रेन करें
#   (मिनटों की जगह सेकंड);
# - **फ़ाइन-ट्यूनिंग (fine-tuning):** `FINE_TUNE_AT` से नीचे की लेयर (जो अब भी
#   फ़्रीज़ हैं) एक बार चलाएँ, उनके ऐक्टिवेशन (activation), यानी उनके आउटपुट, कैश
#   करें, और सिर्फ़ बेस का ऊपरी हिस्सा और हेड ट्रेन करें।
#
# **क़ीमत:** हर इमेज फ़्रीज़ लेयरों से एक ही बार गुज़रती है, इसलिए रैंडम (random,
# यानी यादृच्छिक) फ़्लिप और
# रोटेशन हर एपॉक में नहीं बदल सकते। `AUGMENTED_PASSES = 1` के साथ इमेज जैसी हैं
# वैसी, बिना ऑगमेंटेशन के, कैश होती हैं; `AUGMENTED_PASSES = n` हर इमेज की n
# ऑगमेंटेड कॉपी कैश करता है (ज़्यादा समय, ज़्यादा मेमोरी, ज़्यादा विविधता)। यानी
# मॉडल वही है, पर उसकी ट्रेनिंग ठीक उसी ढंग से नहीं होती, और उसकी संख्याएँ 04 से
# थोड़ी अलग आती हैं। यह नोटबुक वैकल्पिक तेज़ रास्ता है; नोटबुक 03 और 04
# क़दम-दर-क़दम ट्यूटोरियल वाला रास्ता ही रहती हैं।

# %% [markdown]
# *Colab पर* अगला सेल इस कोर्स का `helpers` पैकेज, इसी नोटबुक वाले वर्ज़न पर,
# इंस्टॉल करता है; कहीं और यह कुछ नहीं करता।

# %% tags=["course"] jupyter={"source_hidden": true} cellView="form" active="ipynb"
# # @title Colab: install this course's helpers (elsewhere this cell does nothing)
# import sys
#
# if "google.colab" in sys.modules:  # --no-deps keeps Colab's TensorFlow and Keras
#     %pip install --quiet --no-deps git+https://github.com/tl-course/transfer-learning-course@v1.1.0

# %% [markdown] translates="87202f36b76d"
# ## सेटअप
# ट्यूटोरियल के `import`, और `helpers` पैकेज: वह कोड जो ये सारी नोटबुक साझा करती हैं।

# %%
import os
import time

import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

from helpers import (
    artifacts,
    assets,
    catchup,
    compat,
    evaluation,
    fast,
    model_parts,
    pipeline,
    plots,
    session,
    splits,
    stages,
)

# %% [markdown] translates="9e8eb759cf23"
# ट्यूटोरियल की सेटिंग, और यह कि हर इमेज की कितनी ऑगमेंटेड कॉपी कैश हों:

# %% tags=["parameters"]
BATCH_SIZE = 32
SEED = 123
BASE_LEARNING_RATE = 0.0001
INITIAL_EPOCHS = 10
FINE_TUNE_EPOCHS = 10
FINE_TUNE_AT = 100
DROPOUT = 0.2
AUGMENTED_PASSES = 1  # 1: the plain images; n > 1: n augmented copies of each
NOISE_SEEDS = 5  # the seed study at the end trains this many times (0: skip it)
WEIGHTS = "imagenet"  # or the path of a local .h5 copy

# %% jupyter={"source_hidden": true} tags=["course", "switches"]
# Course switches (the tutorial has none; docs/course-cells.md explains each). An
# environment variable TL_<NAME> (TL_ARTIFACTS_DIR, TL_WEIGHTS) wins over a value here.
ARTIFACTS_DIR = "../artifacts"  # where each notebook saves what the next one loads
CATCH_UP = True  # an earlier notebook's work is missing: fetch or make it
USE_DRIVE = False  # on Colab: keep that work in Google Drive between sessions
VERBOSE = 1  # fit's progress: 1 a bar per epoch, 2 a line per epoch

# %% jupyter={"source_hidden": true} tags=["course"]
session.setup_notebook()  # the course's own errors as one readable line
ARTIFACTS_DIR = artifacts.get_artifacts_dir(ARTIFACTS_DIR)
print(session.describe_runtime("06"))

# %% [markdown] translates="eb91c6803aa1"
# रैंडम सीड (random seed) तय हैं (नई लेयरों के शुरुआती वेट, ऑगमेंटेशन, ड्रॉपआउट और
# शफ़ल के लिए), ताकि उसी मशीन और उन्हीं वर्ज़न पर दोबारा चलाने से वही संख्याएँ
# मिलें।

# %%
tf.keras.utils.set_random_seed(SEED)

# %% [markdown] translates="5fd70c8072b8"
# **अगर आप यहीं से शुरू कर रहे हैं**, तो अगला सेल वह स्प्लिट ले आता है या बना
# लेता है जो [01_data](01_data.ipynb) सेव करती है
# ([कैसे](../docs/course-cells.md#if-you-start-here))।

# %% tags=["course"]
print(catchup.ensure_stage("split", ARTIFACTS_DIR, CATCH_UP, USE_DRIVE))

# %% [markdown] translates="5c2a44a8fa57"
# डेटासेट और बेस मॉडल (base model), नोटबुक 03 की तरह।
#
# **यहाँ आ सकने वाले एरर:** `AssetError: ... does not load into MobileNetV2`
# (`TL_WEIGHTS` वाली फ़ाइल MobileNetV2 alpha 1.0 की no_top फ़ाइल नहीं है) या
# `AssetError: ... cannot connect` (नेटवर्क नहीं है: `TL_WEIGHTS` को लोकल कॉपी पर,
# या `TL_MIRROR` को क्लासरूम मिरर पर सेट करें)।

# %%
split = splits.load_split(ARTIFACTS_DIR)
IMG_SIZE = split.image_size
train_images = pipeline.make_dataset(split.train, IMG_SIZE, BATCH_SIZE)
validation_dataset = pipeline.make_dataset(split.validation, IMG_SIZE, BATCH_SIZE)
test_dataset = pipeline.make_dataset(split.test, IMG_SIZE, BATCH_SIZE)

IMG_SHAPE = IMG_SIZE + (3,)
base_model = tf.keras.applications.MobileNetV2(
    input_shape=IMG_SHAPE, include_top=False, weights=assets.prepare_weights(WEIGHTS)
)
base_model.trainable = False
imagenet_weights = base_model.get_weights()  # the experiments at the end start here
rescale = model_parts.make_rescaling()
data_augmentation = model_parts.make_augmentation()
global_average_layer = tf.keras.layers.GlobalAveragePooling2D()
dropout = tf.keras.layers.Dropout(DROPOUT)
prediction_layer = tf.keras.layers.Dense(1)

# %% [markdown] translates="b5f62622b78e"
# ट्यूटोरियल वाला मॉडल, उन्हीं लेयर ऑब्जेक्ट से बना जिन्हें तेज़ रास्ता ट्रेन करता
# है: तेज़ रास्ता पूरा होने पर नतीजा इसी मॉडल में होता है, और इसका मूल्यांकन
# (evaluation) नोटबुक 04 के मॉडल की तरह इमेज पर होता है।

# %%
inputs = tf.keras.Input(shape=IMG_SHAPE)
x = data_augmentation(inputs)
x = rescale(x)
x = base_model(x, training=False)
x = global_average_layer(x)
x = dropout(x)
model = tf.keras.Model(inputs, prediction_layer(x))


def compile_for_logits(m, optimizer):
    m.compile(
        optimizer=optimizer,
        loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
        metrics=[tf.keras.metrics.BinaryAccuracy(threshold=0.0, name="accuracy")],
    )


timings = {}

# %% [markdown] translates="c2a0fdd98b7d"
# ## कहाँ से काटें
# फ़ाइन-ट्यूनिंग `FINE_TUNE_AT` से ऊपर की लेयर ट्रेन करेगी; उससे नीचे सब कुछ
# फ़्रीज़ रहता है। `split_model_at` बेस को वहीं से काटता है। नीचे वाला हिस्सा *दो*
# टेंसर (tensor) देता है: एक रेज़िडुअल कनेक्शन (residual connection) इस कट के
# आर-पार जाता है, इसलिए ऊपर वाले हिस्से को दोनों चाहिए। ऊपर वाला हिस्सा बेस की
# अपनी लेयर इस्तेमाल करता है, इसलिए उसे ट्रेन करना असल में `base_model` को ही
# ट्रेन करना है।

# %%
bottom, top = fast.split_model_at(base_model, FINE_TUNE_AT)
print([tuple(t.shape) for t in bottom.outputs])

# %% [markdown] translates="69cb94ba6045"
# ## इमेज पर एक पास, दो कैश
# हर इमेज डिकोड होकर फ़्रीज़ नेटवर्क से एक बार गुज़रती है। हम वह रख लेते हैं जो
# दोनों चरणों को चाहिए: नीचे वाले हिस्से के ऐक्टिवेशन (फ़ाइन-ट्यूनिंग के लिए) और
# बेस के आख़िर के पूल किए हुए 1280 फ़ीचर (हेड के लिए), float16 में, ताकि मेमोरी
# आधी लगे।

# %%
start = time.perf_counter()
both = tf.keras.Model(base_model.input, [*bottom.outputs, base_model.output])
images_in = tf.keras.Input(shape=IMG_SHAPE)
*activations, features = both(rescale(images_in))
cacher = tf.keras.Model(images_in, [*activations, global_average_layer(features)])

augment = data_augmentation if AUGMENTED_PASSES > 1 else None
train_cache, train_labels = fast.extract_outputs(
    cacher, train_images, augment, AUGMENTED_PASSES
)
val_cache, val_labels = fast.extract_outputs(cacher, validation_dataset)
timings["cache"] = time.perf_counter() - start
train_acts, train_features = train_cache[:-1], train_cache[-1:]
val_acts, val_features = val_cache[:-1], val_cache[-1:]
print("cached MiB:", sum(a.nbytes for a in train_cache + val_cache) / 2**20)

# %% [markdown] translates="62358e0c73ff"
# ## चरण 1: कैश किए हुए फ़ीचर पर हेड की ट्रेनिंग
# सिर्फ़ ड्रॉपआउट (dropout) और लॉजिट लेयर, नोटबुक 03 वाले ऑप्टिमाइज़र, लर्निंग रेट
# (learning rate) और एपॉक के साथ। हर एपॉक एक सेकंड से भी कम लेता है।

# %%
start = time.perf_counter()
feature_input = tf.keras.Input(shape=(1280,))
head = tf.keras.Model(feature_input, prediction_layer(dropout(feature_input)))
compile_for_logits(head, tf.keras.optimizers.Adam(learning_rate=BASE_LEARNING_RATE))
head_history = head.fit(
    fast.make_cached_dataset(train_features, train_labels, BATCH_SIZE, shuffle=True),
    epochs=INITIAL_EPOCHS,
    validation_data=fast.make_cached_dataset(val_features, val_labels, BATCH_SIZE),
    verbose=VERBOSE,
)
timings["train_head"] = time.perf_counter() - start

# %% [markdown] translates="5c3176fb6aaa"
# पूरे मॉडल में अब ट्रेन किया हुआ हेड है। इमेज पर मापकर:

# %%
compile_for_logits(model, tf.keras.optimizers.Adam(learning_rate=BASE_LEARNING_RATE))
_, fe_val_accuracy = model.evaluate(validation_dataset, verbose=0)
print(f"validation accuracy after fast feature extraction: {fe_val_accuracy:.4f}")

# %% [markdown] translates="5339985775af"
# ## चरण 2: कैश किए हुए ऐक्टिवेशन पर ऊपरी हिस्से की फ़ाइन-ट्यूनिंग
# नोटबुक 04 की तरह अनफ़्रीज़ (unfreeze) करें, BatchNormalization को इन्फ़रेंस मोड
# (inference mode) में रखते हुए (`compat.freeze_batch_norm` 04 वाला लूप ही है):
# वही 20 ट्रेनेबल (trainable) वेरिएबल।

# %%
base_model.trainable = True
for layer in base_model.layers[:FINE_TUNE_AT]:
    layer.trainable = False
compat.freeze_batch_norm(base_model)
if FINE_TUNE_AT == 100:  # the tutorial's setting
    assert len(model.trainable_variables) == 20

# %% [markdown] translates="4e815ff384b1"
# बेस का ऊपरी हिस्सा (नोटबुक 04 की तरह इन्फ़रेंस मोड में) और हेड, नोटबुक 04 वाले
# ऑप्टिमाइज़र, लर्निंग रेट और एपॉक से ट्रेन होते हैं।

# %%
start = time.perf_counter()
top_inputs = [tf.keras.Input(shape=t.shape[1:]) for t in bottom.outputs]
y = top(top_inputs)
y = prediction_layer(dropout(global_average_layer(y)))
top_model = tf.keras.Model(top_inputs, y)
assert len(top_model.trainable_variables) == len(model.trainable_variables)
compile_for_logits(
    top_model, tf.keras.optimizers.RMSprop(learning_rate=BASE_LEARNING_RATE / 10)
)
top_history = top_model.fit(
    fast.make_cached_dataset(train_acts, train_labels, BATCH_SIZE, shuffle=True),
    epochs=INITIAL_EPOCHS + FINE_TUNE_EPOCHS,
    initial_epoch=INITIAL_EPOCHS,
    validation_data=fast.make_cached_dataset(val_acts, val_labels, BATCH_SIZE),
    verbose=VERBOSE,
)
timings["fine_tune_top"] = time.perf_counter() - start

# %% [markdown] translates="cfefc6298663"
# ### बेस अनफ़्रीज़ होने के बाद ओवरफ़िटिंग
# 18 लाख वेट (weight) बदलने के लिए आज़ाद हों और हर एपॉक में वही कैश की हुई इमेज
# मिलें, तो मॉडल ट्रेनिंग सेट रटने लगता है: ट्रेनिंग सटीकता (accuracy) 1.0 की ओर
# चढ़ती है, जबकि वैलिडेशन लॉस (loss) घटना बंद कर देता है या बढ़ने लगता है।
# ट्यूटोरियल की चेतावनी ("you may get some overfitting", यानी कुछ ओवरफ़िटिंग
# (overfitting) हो सकती है), इस रन पर मापकर:

# %%
h = top_history.history
best = min(range(len(h["val_loss"])), key=h["val_loss"].__getitem__)
print(f"training accuracy: {h['accuracy'][0]:.3f} -> {h['accuracy'][-1]:.3f}")
print(f"validation loss:   {h['val_loss'][0]:.3f} -> lowest {h['val_loss'][best]:.3f} "
      f"(fine-tuning epoch {best + 1}) -> {h['val_loss'][-1]:.3f}")

# %% [markdown] translates="2cc0ce699303"
# सेव किए गए रन में ट्रेनिंग सटीकता 0.971 से 0.999 तक गई, जबकि वैलिडेशन लॉस
# फ़ाइन-ट्यूनिंग के दूसरे एपॉक में सबसे कम (0.050) था और आख़िर में 0.071 रहा:
# नेटवर्क ने कैश की हुई 2,000 इमेज रट लीं। नोटबुक 04, जिसका ऑगमेंटेशन हर एपॉक में
# हर इमेज को अलग रूप में दिखाता है, धीरे ओवरफ़िट होती है: उसका वैलिडेशन लॉस
# फ़ाइन-ट्यूनिंग के नौवें एपॉक में सबसे कम था।

# %% [markdown] translates="b2c26e563b34"
# ## नतीजा, नोटबुक 04 और 05 की तरह मापकर
# पूरा मॉडल फ़ाइन-ट्यून की हुई लेयर साझा करता है; उसका मूल्यांकन इमेज पर होता है।

# %%
compile_for_logits(model, tf.keras.optimizers.RMSprop(BASE_LEARNING_RATE / 10))
_, val_accuracy = model.evaluate(validation_dataset, verbose=0)
test_loss, test_accuracy = model.evaluate(test_dataset, verbose=0)
total = sum(timings.values())
for stage, seconds in timings.items():
    print(f"{stage:<16}{seconds:8.1f} s")
print(f"{'total':<16}{total:8.1f} s")
print(f"validation accuracy after fast fine-tuning: {val_accuracy:.4f}")
print(f"test accuracy: {test_accuracy:.4f}")

# %% [markdown] translates="7dd9d257af1a"
# ## चार प्रयोग जिन्हें कैश सस्ता बना देता है
# फ़्रीज़ लेयरों के आउटपुट कैश हों तो दोनों चरणों का पूरा रन यहाँ दो मिनट से कम
# लेता है, इसलिए हम वे सवाल पूछ सकते हैं जिनका जवाब नोटबुक 03 और 04 सिर्फ़ दावे के
# रूप में देती हैं। हर प्रयोग उसी जगह से नए सिरे से शुरू होता है: बेस में ImageNet
# के वेट, नए सिरे से इनिशियलाइज़ (initialise) की हुई लॉजिट लेयर, और चरण 1 की
# ट्रेनिंग दोबारा (कुछ सेकंड)। नीचे के दो फ़ंक्शन ऊपर वाले चरण 1 और 2 ही हैं,
# दोहराए हुए; आख़िर में इस रन के ट्रेन किए हुए वेट वापस रख दिए जाते हैं।

# %%
trained_weights = model.get_weights()  # this run's result, put back at the end


def cached(outputs, labels, shuffle=False):
    """A dataset over cached outputs, made anew so that each seed shuffles anew."""
    return fast.make_cached_dataset(outputs, labels, BATCH_SIZE, shuffle=shuffle)


def start_over(seed, keep=slice(None)):
    """ImageNet's weights, a new logit layer, and stage 1 again, with ``seed``,
    on the cached training images that ``keep`` selects (all of them)."""
    tf.keras.utils.set_random_seed(seed)
    base_model.set_weights(imagenet_weights)
    model_parts.reset_weights(prediction_layer)
    adam = tf.keras.optimizers.Adam(learning_rate=BASE_LEARNING_RATE)
    compile_for_logits(head, adam)
    features = [f[keep] for f in train_features]
    head.fit(cached(features, train_labels[keep], True), epochs=INITIAL_EPOCHS,
             verbose=0)


def fine_tune(epochs, validate=True, keep=slice(None)):
    """Stage 2 again, compiled anew (which layers train may have changed)."""
    compile_for_logits(
        top_model, tf.keras.optimizers.RMSprop(learning_rate=BASE_LEARNING_RATE / 10)
    )
    return top_model.fit(
        cached([a[keep] for a in train_acts], train_labels[keep], True),
        epochs=INITIAL_EPOCHS + epochs,
        initial_epoch=INITIAL_EPOCHS,
        validation_data=cached(val_acts, val_labels) if validate else None,
        verbose=0,
    )


# %% [markdown] translates="210b26940d1b"
# ### 1. BatchNormalization को फ़्रीज़ किए बिना
# नोटबुक 04 बेस के ऊपरी हिस्से की ट्रेनिंग के दौरान हर BatchNormalization लेयर को
# इन्फ़रेंस मोड में रखती है। Keras 2 पर ट्यूटोरियल का
# `base_model(x, training=False)` यही करता था; Keras 3 पर `fit` इसे ओवरराइड कर
# देता है (keras-team/keras#20285), और सिर्फ़ वही BatchNormalization लेयर इन्फ़रेंस
# मोड में रहती है जिसका `trainable` False है। ट्रेनेबल लेयर हर बैच को उसी बैच के
# अपने आँकड़ों से नॉर्मलाइज़ करती है और अपने मूविंग मीन (moving mean) और वेरिएंस
# को उनकी ओर खिसकाती है, जबकि वैलिडेशन इमेज मूविंग आँकड़ों से नॉर्मलाइज़ होती हैं।
# यहाँ एक ही शुरुआत से फ़ाइन-ट्यूनिंग के दो एपॉक हैं, फ़्रीज़ के साथ और उसके बिना:

# %%
top_batch_norms = [
    layer for layer in base_model.layers[FINE_TUNE_AT:]
    if isinstance(layer, tf.keras.layers.BatchNormalization)
]
batch_norm_runs = {}
for frozen in (True, False):
    start_over(SEED)
    for layer in top_batch_norms:
        layer.trainable = not frozen  # frozen: what 04 does; not: the tutorial's code
    before = model_parts.get_moving_statistics(top_batch_norms)
    history = fine_tune(2).history
    after = model_parts.get_moving_statistics(top_batch_norms)
    drift = model_parts.measure_drift(before, after)
    name = "frozen" if frozen else "not frozen"
    batch_norm_runs[name] = {"moving_mean_drift": drift, **history}
    print(f"BatchNormalization {name:<10}: training accuracy "
          f"{history['accuracy'][0]:.3f} {history['accuracy'][1]:.3f}, validation "
          f"{history['val_accuracy'][0]:.3f} {history['val_accuracy'][1]:.3f}; "
          f"moving means moved {drift:.3f} standard deviations")
compat.freeze_batch_norm(base_model)
assert batch_norm_runs["frozen"]["moving_mean_drift"] == 0
assert batch_norm_runs["not frozen"]["moving_mean_drift"] > 0

# %% [markdown] translates="8eaf34068c49"
# सेव किए गए रन में, फ़्रीज़ के साथ वैलिडेशन सटीकता पहले एपॉक में 0.980 तक चढ़ी।
# उसके बिना वह 0.965 पर ही रही, जहाँ अकेले हेड ने उसे छोड़ा था (0.9641), और
# ट्रेनिंग सटीकता *गिरकर* 0.858 पर आ गई: हेड ने ImageNet के आँकड़ों से नॉर्मलाइज़
# हुए फ़ीचर पर सीखा था, और अब उसे हर बैच के अपने आँकड़ों से नॉर्मलाइज़ हुए फ़ीचर
# मिल रहे थे। मूविंग मीन मुश्किल से हिले (0.006 मानक विचलन (standard deviation):
# ये लेयर हर स्टेप पर अपने मूविंग आँकड़ों का 0.999 हिस्सा बनाए रखती हैं), इसलिए
# नुक़सान मुख्य रूप से इस खिसकाव (drift) से नहीं है। ऊपरी लेयर एक नॉर्मलाइज़ेशन
# (हर बैच के आँकड़े) के तहत सीखती हैं और दूसरे (मूविंग आँकड़े) के तहत मापी जाती
# हैं। BatchNormalization लेयरों को फ़्रीज़ करना, जैसा 04 करती है, बस एक लूप की
# क़ीमत पर यह बेमेल दूर कर देता है।

# %% [markdown] translates="34a0722e73e1"
# ### 2. लर्निंग रेट ढूँढना: रेंज टेस्ट (range test)
# ट्यूटोरियल अपने लर्निंग रेट तय करके देता है: हेड के लिए 0.0001 (Adam),
# फ़ाइन-ट्यूनिंग के लिए उससे दस गुना कम (RMSprop)। fastai इसके बजाय रेट *ढूँढता*
# है, एक रेंज टेस्ट से: एक नया मॉडल कुछ सौ स्टेप तक ट्रेन करें, जबकि लर्निंग रेट
# बहुत छोटे से बहुत बड़े तक बढ़ता जाए, हर रेट पर एक स्टेप, और हर स्टेप का लॉस
# उसके रेट के सामने प्लॉट करें। जहाँ रेट बहुत छोटा है वहाँ लॉस मुश्किल से हिलता है,
# जहाँ काम का है वहाँ गिरता है, और जहाँ बहुत बड़ा है वहाँ बेक़ाबू होकर बढ़ जाता है;
# कर्व के सबसे निचले बिंदु वाले रेट से थोड़ा छोटा रेट अच्छा चुनाव है। कैश किए फ़ीचर
# पर नए हेड का रेंज टेस्ट कुछ सेकंड लेता है:

# %%
rates = np.geomspace(1e-6, 10.0, 200)
probe_input = tf.keras.Input(shape=(1280,))
probe_output = tf.keras.layers.Dense(1)(tf.keras.layers.Dropout(DROPOUT)(probe_input))
probe = tf.keras.Model(probe_input, probe_output)  # a new head: `model` is not touched
losses = fast.range_test(
    probe,
    tf.keras.optimizers.Adam(),
    tf.keras.losses.BinaryCrossentropy(from_logits=True),
    cached(train_features, train_labels, True),
    rates,
)
suggested = fast.suggest_learning_rate(rates, losses)
marks = {"the tutorial's rate (head)": BASE_LEARNING_RATE, "suggested": suggested}
fig = plots.plot_range_test(rates, losses, marks)
plt.show()
print(f"{len(losses)} steps; suggested rate {suggested:.0e} "
      f"(the tutorial's: {BASE_LEARNING_RATE:g})")
assert min(losses) < losses[0]

# %% [markdown] translates="c861879089f3"
# क्या सुझाया गया रेट उन्हीं 10 एपॉक में हेड को ट्यूटोरियल वाले रेट से बेहतर ट्रेन
# करता है? हर बार एक नया हेड, उन्हीं कैश किए फ़ीचर पर:

# %%
head_accuracy = {}
for rate in (BASE_LEARNING_RATE, suggested):
    tf.keras.utils.set_random_seed(SEED)
    trial_input = tf.keras.Input(shape=(1280,))
    trial_dropout = tf.keras.layers.Dropout(DROPOUT)(trial_input)
    trial = tf.keras.Model(trial_input, tf.keras.layers.Dense(1)(trial_dropout))
    compile_for_logits(trial, tf.keras.optimizers.Adam(learning_rate=rate))
    trial_history = trial.fit(
        cached(train_features, train_labels, True),
        epochs=INITIAL_EPOCHS,
        validation_data=cached(val_features, val_labels),
        verbose=0,
    )
    head_accuracy[rate] = trial_history.history["val_accuracy"]
    print(f"Adam at {rate:.0e}: validation accuracy after each epoch "
          + " ".join(f"{a:.3f}" for a in head_accuracy[rate]))

# %% [markdown] translates="0e3df6f9a323"
# सेव किए गए रन में टेस्ट 104 स्टेप के बाद रुक गया, जब लॉस बेक़ाबू होकर बढ़ा, और
# उसने 4e-04 सुझाया, ट्यूटोरियल के रेट का चार गुना। उस रेट पर हेड एक एपॉक के बाद
# 0.948 और दस के बाद 0.979 तक पहुँचा, जबकि ट्यूटोरियल के रेट 0.0001 पर 0.778 और
# 0.969 तक। ट्यूटोरियल का रेट सावधानी से चुना गया है, सबसे तेज़ नहीं: अकेले हेड के
# लिए बड़ा रेट ज़्यादा तेज़ी से ट्रेन करता है। फ़ाइन-ट्यूनिंग के लिए रेंज टेस्ट को
# बेस का ऊपरी हिस्सा ट्रेन करना पड़ता (यहाँ लगभग 10 सेकंड प्रति एपॉक, यानी सेकंडों
# की जगह मिनट), इसलिए वहाँ आम तौर पर "हेड के रेट का दसवाँ हिस्सा" वाला नियम चलता
# है।

# %% [markdown] translates="3b0eaacf8598"
# **अलग-अलग लेयरों के अलग लर्निंग रेट (discriminative learning rates)।** fastai
# पहले बॉडी (body, यानी बेस) को फ़्रीज़ रखकर नया हेड ट्रेन करता है, फिर अनफ़्रीज़
# करके शुरुआती लेयरों को बाद की लेयरों से छोटे रेट देता है; d2l का फ़ाइन-ट्यूनिंग
# वाला अध्याय नई आउटपुट लेयर को प्रीट्रेन की हुई (pretrained) लेयरों से दस गुना
# रेट देता है। ट्यूटोरियल के दो चरण, एक समय में एक ही ऑप्टिमाइज़र से, मोटे तौर पर
# दोनों की नक़ल करते हैं: चरण 1 में हेड 0.0001 पर सीखता है और बेस शून्य पर; चरण 2
# में बेस का ऊपरी हिस्सा और हेड 0.00001 पर सीखते हैं और `FINE_TUNE_AT` से नीचे की
# लेयर अब भी शून्य पर। यानी नई लेयर को पहले बड़ा रेट मिलता है, आउटपुट के नज़दीक की
# प्रीट्रेन की हुई लेयरों को बाद में छोटा रेट, और इनपुट के नज़दीक की आम काम वाली
# (general-purpose) लेयरों को कोई रेट नहीं।

# %% [markdown] translates="c7b048cc6a94"
# ### 3. कितना शोर (noise) है? पाँच सीड के साथ दोनों चरण
# कोर्स ऐसी संख्याओं की तुलना करता है जिनमें एक प्रतिशत अंक का फ़र्क़ है: 04 की
# वैलिडेशन सटीकता की इस नोटबुक वाली से, टेस्ट सटीकता की वैलिडेशन सटीकता से। दूसरे
# सीड के साथ (लॉजिट लेयर के शुरुआती वेट, ड्रॉपआउट, बैचों का क्रम) वही कोड कितना
# खिसकेगा? नीचे, उसी स्प्लिट पर, `NOISE_SEEDS` सीड में से हर एक के लिए दोनों चरण
# फिर चलते हैं, और हर मॉडल को वैलिडेशन और टेस्ट इमेज पर मापा जाता है। हर सीड पर
# इसमें लगभग चरण 2 जितना समय लगता है (छोड़ना हो तो `NOISE_SEEDS = 0` रखें)।

# %%
noise = []
for seed in range(SEED, SEED + NOISE_SEEDS):
    start = time.perf_counter()
    start_over(seed)
    fine_tune(FINE_TUNE_EPOCHS, validate=False)
    run = {"seed": seed}
    for part, dataset in (("validation", validation_dataset), ("test", test_dataset)):
        labels, logits, _ = evaluation.predict_logits(model, dataset)
        matrix = evaluation.confusion_matrix(labels, (logits > 0).astype(int))
        run[part] = float(np.trace(matrix) / matrix.sum())
        run[f"{part}_confusion_matrix"] = matrix.tolist()
    noise.append(run)
    print(f"seed {seed}: validation accuracy {run['validation']:.4f}, "
          f"test accuracy {run['test']:.4f} ({time.perf_counter() - start:.0f} s)")
spread = {
    part: evaluation.summarize_spread([run[part] for run in noise])
    for part in ("validation", "test") if noise
}
for part, s in spread.items():
    print(f"{part:<10} mean {s['mean']:.4f}, standard deviation {s['std']:.4f}, "
          f"lowest {s['min']:.4f}, highest {s['max']:.4f}")
model.set_weights(trained_weights)  # this run's model again
assert len(noise) == NOISE_SEEDS

# %% [markdown] translates="a5663162d0fe"
# सेव किए गए रन में, पाँच सीड पर: वैलिडेशन सटीकता औसतन 0.9809, मानक विचलन 0.0027
# के साथ (0.9790 से 0.9839 तक); टेस्ट सटीकता 0.9552, मानक विचलन 0.0070 (0.9479 से
# 0.9635 तक)। कोर्स जिन संख्याओं की तुलना करता है, उनके बारे में इससे क्या पता
# चलता है:
#
# - **यह नोटबुक (0.9802) और 04 (0.9752), वैलिडेशन।** 04 की संख्या इन पाँच सीड में
#   सबसे कम वाली से भी नीचे है, उनके औसत से 0.57 प्रतिशत अंक नीचे: उनके लगभग दो
#   मानक विचलन। यह ट्रेनिंग के दो तरीक़ों (04 हर एपॉक में ऑगमेंट करती है) के बीच
#   असली पर छोटा फ़र्क़ है, जो 04 के एक ही रन से मापा गया है, इसलिए इससे ज़्यादा
#   मतलब न निकालें।
# - **टेस्ट और वैलिडेशन।** टेस्ट सटीकता औसतन वैलिडेशन सटीकता से 2.6 प्रतिशत अंक
#   नीचे रहती है, जो सीड से वैलिडेशन सटीकता में आने वाले फैलाव का दस गुना है: यह
#   सीड की वजह से नहीं है। यह वही है जो 05 समझाती है: 192 टेस्ट इमेज (हर इमेज आधा
#   प्रतिशत अंक है), और वैलिडेशन इमेज को देखते हुए चुनी गई सेटिंग।
# - **टेस्ट बनाम टेस्ट।** अकेले सीड टेस्ट सटीकता को 1.6 प्रतिशत अंक (3 इमेज) तक
#   खिसका देते हैं: जिन दो मॉडलों की टेस्ट सटीकता में एक-दो प्रतिशत अंक का फ़र्क़
#   है, उनका अलग होना साबित नहीं होता। (सीड यह नहीं बदलते कि टेस्ट सेट में कौन-सी
#   इमेज हैं, इसलिए उस नमूने की अनिश्चितता, यानी 05 की प्रिंट की हुई मानक त्रुटि
#   (standard error), इसके ऊपर से जुड़ती है।)

# %% [markdown] translates="41c8c50d834a"
# ग़लतियाँ किस तरफ़ जाती हैं? सारे सीड का जोड़, वैलिडेशन इमेज पर (पंक्तियाँ: असली
# क्लास; कॉलम: प्रेडिक्ट की गई क्लास):

# %%
if noise:
    errors = np.sum([run["validation_confusion_matrix"] for run in noise], axis=0)
    cats, dogs = split.class_names
    print(f"{cats} called {dogs}: {errors[0][1]}; {dogs} called {cats}: {errors[1][0]} "
          f"({len(noise)} seeds, {len(split.validation)} validation images each)")

# %% [markdown] translates="b76ef33ee8af"
# सेव किए गए रन में: पाँच सीड में मिलाकर 41 बिल्लियों को कुत्ता कहा गया और 36
# कुत्तों को बिल्ली। यह रास्ता, जो इमेज को बिना ऑगमेंटेशन के कैश करता है, किसी एक
# तरफ़ नहीं झुकता। 05 दिखाती है कि 04 का मॉडल, जो हर एपॉक में ऑगमेंटेशन के साथ
# ट्रेन हुआ, झुकता है।

# %% [markdown] translates="d3b3cc4db2de"
# ### 4. लेबल ठीक करना
# 05 वे टेस्ट इमेज दिखाती है जिन पर मॉडल सबसे ज़्यादा कॉन्फ़िडेंस के साथ ग़लत
# होता है। कुछ मुश्किल फ़ोटो हैं; कुछ पर शायद लेबल ही ग़लत है, और ट्रेनिंग इमेज
# का ग़लत लेबल मॉडल को कुछ झूठ सिखाता है। fastai इसे एक लूप बना देता है: वे इमेज
# देखें जिनके बारे में मॉडल को सबसे ज़्यादा भरोसा है कि उनका लेबल ग़लत है, ख़राब
# इमेज हटाएँ (या उनका लेबल बदलें), फिर से ट्रेन करें, तुलना करें। यहाँ दोबारा
# ट्रेनिंग में एक मिनट लगता है, इसलिए हम यह लूप पूरा कर सकते हैं। हम ट्रेनिंग और
# वैलिडेशन इमेज देखते हैं, टेस्ट इमेज कभी नहीं: टेस्ट इमेज को *इसलिए* हटाना कि
# मॉडल उन पर ग़लत था, टेस्ट के स्कोर को बस झूठा अच्छा दिखाएगा।
#
# कौन-सा मॉडल फ़ैसला करे? इस रन का नहीं: वह अपनी ट्रेनिंग इमेज पर फ़िट हो चुका है
# (ऊपर सटीकता 0.999), ग़लत लेबल समेत, इसलिए वह उनमें से लगभग किसी को ग़लत नहीं
# कहता। जज ने वह इमेज नहीं देखी होनी चाहिए जिसका वह फ़ैसला करता है। कैश किए गए
# फ़ीचर पर यह सस्ता है: एक नया हेड ट्रेनिंग इमेज के एक आधे हिस्से से सीखता है और
# दूसरे आधे का फ़ैसला करता है, दूसरा हेड उल्टा, और दोनों वैलिडेशन इमेज का फ़ैसला
# करते हैं (उनके दो जवाबों का औसत)।

# %%
tf.keras.utils.set_random_seed(SEED)
n_train = len(split.train)
pooled = train_features[0][:n_train]  # with augmented copies: the first copy
halves = np.random.default_rng(SEED).permutation(n_train) < n_train // 2
train_p_dog, val_p_dog = np.zeros(n_train), []
for learn in (halves, ~halves):
    judge_input = tf.keras.Input(shape=(1280,))
    judge_dropout = tf.keras.layers.Dropout(DROPOUT)(judge_input)
    judge = tf.keras.Model(judge_input, tf.keras.layers.Dense(1)(judge_dropout))
    adam = tf.keras.optimizers.Adam(learning_rate=BASE_LEARNING_RATE)
    compile_for_logits(judge, adam)
    judge.fit(cached([pooled[learn]], train_labels[:n_train][learn], True),
              epochs=INITIAL_EPOCHS, verbose=0)
    train_p_dog[~learn] = tf.sigmoid(judge.predict(pooled[~learn], verbose=0)[:, 0])
    val_p_dog.append(tf.sigmoid(judge.predict(val_features[0], verbose=0)[:, 0]))
files = split.train.paths + split.validation.paths
file_labels = np.concatenate([train_labels[:n_train], val_labels])
p_dog = np.concatenate([train_p_dog, np.mean(val_p_dog, axis=0)])
wrong = evaluation.rank_mistakes(file_labels, p_dog)
suspects = wrong[:12]
cats, dogs = split.class_names
print(f"{len(wrong)} of {len(files)} training and validation images misjudged "
      f"({np.sum(file_labels[wrong] == 0)} {cats} judged {dogs}, "
      f"{np.sum(file_labels[wrong] == 1)} {dogs} judged {cats}); the 12 most "
      "confident:")
fig = plots.show_images(
    [tf.keras.utils.load_img(files[i], target_size=IMG_SIZE) for i in suspects],
    [f"{n}: {os.path.basename(files[i])} ({'train' if i < n_train else 'val'})"
     f"\nlabel {split.class_names[file_labels[i]]}, P(dog) {p_dog[i]:.2f}"
     for n, i in enumerate(suspects)],
    ncols=4,
)
plt.show()

# %% [markdown] translates="0b2ea14d83c1"
# अब इंसान का काम: शक वाली इमेज पूरे साइज़ में खोलें (`files[suspects[n]]` नंबर
# `n` वाली इमेज का पाथ है) और फ़ैसला करें। किसी इमेज को सिर्फ़ तब चुनें जब उसका
# लेबल ग़लत हो या उसमें न बिल्ली हो, न कुत्ता; मुश्किल पर सही फ़ोटो रहती है,
# क्योंकि मॉडल को उसे सीखना चाहिए। नीचे वे नंबर हैं जो सेव किए गए रन में चुने गए,
# और चुनने की वजह; दूसरी मशीन पर क्रम अलग हो सकता है, इसलिए अपनी तस्वीरें देखें
# और अपने नंबर लिखें।

# %%
MARKED = {  # number in the pictures above: why the image goes
    1: "a cat and a dog, and the dog fills the picture",
}
assert all(n < len(suspects) for n in MARKED), "mark images by a number shown above"
cleaned = splits.exclude_files(split, {files[suspects[n]]: why
                                       for n, why in MARKED.items()})
for path, why in cleaned.settings["excluded"].items():
    print(f"{path}: {why}")
print(f"training images {len(split.train)} -> {len(cleaned.train)}, validation "
      f"images {len(split.validation)} -> {len(cleaned.validation)}")

# %% [markdown] translates="82242c6ca59b"
# दोनों चरण फिर से, बची हुई ट्रेनिंग इमेज पर, प्रयोग 3 के पहले रन वाले सीड के
# साथ; फिर वैलिडेशन इमेज पर माप: सारी इमेज पर, जैसे हर दूसरा मॉडल मापा गया, और
# सिर्फ़ बची हुई इमेज पर। टेस्ट इमेज वही हैं जो हमेशा।

# %%
keep_train = np.tile(np.isin(split.train.paths, cleaned.train.paths), AUGMENTED_PASSES)
keep_validation = np.isin(split.validation.paths, cleaned.validation.paths)
start_over(SEED, keep_train)
fine_tune(FINE_TUNE_EPOCHS, validate=False, keep=keep_train)
label_fix = {"excluded": cleaned.settings["excluded"]}
for part, dataset in (("validation", validation_dataset), ("test", test_dataset)):
    labels, logits, _ = evaluation.predict_logits(model, dataset)
    right = (logits > 0).astype(int) == labels
    label_fix[part] = float(right.mean())
    if part == "validation":
        label_fix["validation_left"] = float(right[keep_validation].mean())
model.set_weights(trained_weights)  # this run's model again
print(f"without the marked images: validation accuracy {label_fix['validation']:.4f} "
      f"(all {len(split.validation)}), {label_fix['validation_left']:.4f} (the "
      f"{len(cleaned.validation)} left); test accuracy {label_fix['test']:.4f}")
if noise:
    print(f"with every image, seed {noise[0]['seed']}: validation accuracy "
          f"{noise[0]['validation']:.4f}, test accuracy {noise[0]['test']:.4f}; "
          f"the seeds' standard deviation: {spread['validation']['std']:.4f} "
          f"(validation), {spread['test']['std']:.4f} (test)")
saved_split = splits.save_split(cleaned, ARTIFACTS_DIR, "cleaned_split")
print("saved", saved_split.name, "(no other notebook reads it)")

# %% [markdown] translates="a64574c4b439"
# सेव किए गए रन में दोनों जजों ने 2,808 ट्रेनिंग और वैलिडेशन इमेज में से 131 का
# ग़लत फ़ैसला किया (74 बिल्लियों को कुत्ता, 57 कुत्तों को बिल्ली), और जिन बारह पर
# उन्हें सबसे ज़्यादा भरोसा था, वे सब ट्रेनिंग इमेज हैं। पूरे साइज़ में खोलने पर
# किसी पर भी ग़लत लेबल नहीं है: ग्यारह बिल्लियाँ हैं (लंबे बाल, पिंजरा, खाने के
# कटोरे, बिल्ली के बच्चों का ढेर) और एक कुत्ता। हमने एक चुनी, नंबर 1: एक जर्मन
# शेफ़र्ड के नीचे बिल्ली का बच्चा, जिसमें कुत्ता पूरी तस्वीर भर देता है, लेबल
# बिल्ली। उसके बिना वैलिडेशन सटीकता 0.9827 और टेस्ट सटीकता 0.9479 रही; हर इमेज के
# साथ और उसी सीड से 0.9839 और 0.9479। यह एक वैलिडेशन इमेज का फ़र्क़ है, सीड के
# मानक विचलन (0.0027) से कम: लूप को ठीक करने के लिए लगभग कुछ नहीं मिला, क्योंकि
# `cats_and_dogs_filtered` के लेबल साफ़ हैं। यह भी एक नतीजा है, और देखने में एक
# मिनट लगा। अपनी फ़ोटो पर (07), जिनके लेबल आपने लगाए हैं, इससे ज़्यादा मिलने की
# उम्मीद रखें।
#
# साफ़ किया गया स्प्लिट `split_cleaned.json` के रूप में सेव होता है, 01 की
# `split.json` के फ़ॉर्मैट में, और उसकी सेटिंग में हटाई गई फ़ाइलें और उनकी वजह दर्ज
# हैं। नोटबुक 02-05 01 की `split.json` ही पढ़ती रहती हैं, इसलिए किसी सेव किए गए
# मॉडल का स्प्लिट नहीं बदलता और कोई उलझन में नहीं पड़ता।

# %% [markdown] translates="9ee0db261bc1"
# वे संख्याएँ जो benchmark और reproduce स्क्रिप्ट इकट्ठा करती हैं, प्रयोगों वाली
# संख्याएँ भी।

# %%
saved = stages.save_stage(
    ARTIFACTS_DIR, "fast_path", split,
    timings=timings, train_seconds=total, augmented_passes=AUGMENTED_PASSES,
    feature_extraction_val_accuracy=fe_val_accuracy, val_accuracy=val_accuracy,
    test_accuracy=test_accuracy, test_loss=test_loss,
    head_history=head_history.history, fine_tune_history=top_history.history,
    batch_norm_runs=batch_norm_runs, suggested_learning_rate=suggested,
    head_accuracy_by_rate={f"{rate:g}": acc for rate, acc in head_accuracy.items()},
    noise=noise, noise_spread=spread, label_fix=label_fix,
)
print("saved", saved[-1].name)

# %% [markdown] translates="02819abc4045"
# ## अभ्यास
# ये अभ्यास एक पैरामीटर बदलकर उसके असर का अंदाज़ा लगाने से शुरू होते हैं और कोड
# का विस्तार करने तक जाते हैं। हर अभ्यास (exercise) के साथ एक **संकेत (hint)** और
# एक पूरा समझाया हुआ **हल (solution)** है, दोनों छिपे हुए: पहले ख़ुद कोशिश करें,
# फिर *संकेत* या *हल* पर क्लिक करके उन्हें खोलें। हल का कोड तब चलता है जब यह
# नोटबुक ऊपर से पूरी चल चुकी हो (पहले Run All): उसे आख़िर में एक नए सेल में पेस्ट
# करें। वह इस नोटबुक की सेव की हुई कोई भी फ़ाइल नहीं बदलता।

# %% [markdown] translates="da0529cad9f2"
# ### अभ्यास 1 (अंदाज़ा लगाएँ): तीन ऑगमेंटेड कॉपी
# `AUGMENTED_PASSES = 3` रखें। अंदाज़ा लगाएँ कि अब कैश करने में क्या लगेगा (समय और
# मेमोरी), फ़ाइन-ट्यूनिंग का एक एपॉक कितना लेगा, और क्या वैलिडेशन सटीकता और ऊपर
# वाली ओवरफ़िटिंग बदलेंगी।
#
# <details><summary>संकेत</summary>
#
# हर पास फ़्रीज़ लेयरों को हर ट्रेनिंग इमेज पर एक बार और चलाता है, हर बार अलग ढंग
# से फ़्लिप और रोटेट करके, और जो निकलता है उसे रख लेता है। कैश का साइज़ ऊपर प्रिंट
# हुआ है (`cached MiB`): उसका कौन-सा हिस्सा बढ़ता है?
#
# </details>
#
# <details><summary>हल</summary>
#
# कैश का ट्रेनिंग वाला हिस्सा, और उसे भरने का समय, तीन गुना हो जाता है (वैलिडेशन
# इमेज एक ही बार, जैसी हैं वैसी कैश होती हैं); फ़ाइन-ट्यूनिंग का हर एपॉक 2,000 की
# जगह 6,000 कैश किए उदाहरणों पर चलता है, इसलिए लगभग तीन गुना समय लेता है। बदले में
# मॉडल हर इमेज के तीन रूप देखता है, यानी वह विविधता का कुछ हिस्सा जो 04 को हर एपॉक
# के ऑगमेंटेशन से मिलता है। उम्मीद करें कि ओवरफ़िटिंग घटेगी (ट्रेनिंग सटीकता 1.0
# की ओर कम तेज़ी से चढ़ेगी); वैलिडेशन सटीकता ज़्यादा हिल नहीं सकती: सेव किया
# गया रन बिना ऑगमेंटेशन के 0.9802 तक पहुँचा (पाँच सीड: 0.9790 से 0.9839, ऊपर),
# और 04 ऑगमेंटेशन के साथ 0.9752 तक। कोड मेमोरी का अनुमान लगाता है और आकार दिखाने
# के लिए एक बैच तीन पास के साथ कैश करता है।
#
# ```python
# train_mib = sum(a.nbytes for a in train_cache) / 2**20 / AUGMENTED_PASSES
# val_mib = sum(a.nbytes for a in val_cache) / 2**20
# print(f"cache: {AUGMENTED_PASSES * train_mib + val_mib:.0f} MiB now, about "
#       f"{3 * train_mib + val_mib:.0f} MiB with AUGMENTED_PASSES = 3")
# one_batch = train_images.take(1)
# outputs, batch_labels = fast.extract_outputs(cacher, one_batch, data_augmentation, 3)
# print("one batch, three passes:", [o.shape for o in outputs])
# assert len(batch_labels) == 3 * len(next(iter(one_batch))[1])
# ```
#
# </details>

# %% [markdown] translates="a9828a71fa72"
# ### अभ्यास 2 (मापें): समय कहाँ जाता है
# `timings["cache"]` (हर इमेज का पूरे बेस से एक फ़ॉरवर्ड पास) की तुलना
# `fine_tune_top` के एक एपॉक (ऊपरी लेयर, आगे और पीछे दोनों) से करें। फिर अंदाज़ा
# लगाएँ कि `FINE_TUNE_AT` को 100 से 120 करने पर क्या बदलेगा: हर एपॉक का समय, कैश
# का साइज़, ट्रेनेबल वेरिएबल।
#
# <details><summary>संकेत</summary>
#
# `fast.split_model_at(base_model, 120)` बिना कुछ ट्रेन किए बेस को लेयर 120 पर
# काटता है: देखें कि नीचे वाला हिस्सा क्या आउटपुट देता है, और ऊपर वाले हिस्से के
# ट्रेनेबल वेरिएबल गिनें।
#
# </details>
#
# <details><summary>हल</summary>
#
# इस नोटबुक के सेव किए गए रन में कैश करने में 30.3 सेकंड लगे और फ़ाइन-ट्यूनिंग के
# 10 एपॉक में 106.6 सेकंड: हर एपॉक लगभग 10.66 सेकंड, यानी पूरे बेस से एक पास
# (कैश) का एक बड़ा हिस्सा, जबकि ऊपर वाले हिस्से में बेस की 154 में से सिर्फ़ 54
# लेयर हैं: वह ट्रेनिंग इमेज के लिए आगे और पीछे दोनों चलता है, और वैलिडेशन इमेज
# के लिए फिर आगे। 120 पर ऊपर वाले हिस्से में कम लेयर और कम ट्रेनेबल वेरिएबल
# होते हैं, इसलिए हर एपॉक तेज़ होता है। कैश छोटा नहीं होता: कट ब्लॉक 13 के
# अंदर पड़ता है, उस स्ट्राइड (stride) से पहले जो ग्रिड को आधा करता है, इसलिए उसमें हर
# इमेज के लगभग उतने ही मान रहते हैं जितने अभी। और बिल्लियों-कुत्तों के हिसाब से कम
# लेयर ढलती हैं, जिससे थोड़ी सटीकता जा सकती है (मापा नहीं गया)। कोड दोनों कट प्रिंट
# करता है।
#
# ```python
# import numpy as np
#
# per_epoch = timings["fine_tune_top"] / FINE_TUNE_EPOCHS
# print(f"cache: {timings['cache']:.1f} s; one fine-tuning epoch: {per_epoch:.1f} s")
# for cut in (FINE_TUNE_AT, 120):
#     cut_bottom, cut_top = fast.split_model_at(base_model, cut)
#     shapes = [tuple(t.shape[1:]) for t in cut_bottom.outputs]
#     values = sum(int(np.prod(s)) for s in shapes)
#     print(f"cut at {cut}: caches {shapes} = {values} values per image; "
#           f"{len(cut_top.trainable_variables)} trainable variables")
# ```
#
# </details>

# %% [markdown] translates="7c4dd4064d78"
# ### अभ्यास 3 (परखें): वही लेयर
# तेज़ रास्ता उन्हीं लेयर ऑब्जेक्ट को ट्रेन करता है जिनसे पूरा `model` बना है। इसे
# जाँचें: `model` (इमेज से) और `top_model` (कैश किए ऐक्टिवेशन से) हर वैलिडेशन इमेज
# के लिए वही लॉजिट देने चाहिए। तो फिर नोटबुक 03 और 04 से अलग *क्या* है?
#
# <details><summary>संकेत</summary>
#
# `model.predict(validation_dataset)` और
# `top_model.predict(fast.make_cached_dataset(val_acts, val_labels, BATCH_SIZE))`
# इस्तेमाल करें; `predict` ड्रॉपआउट और ऑगमेंटेशन बंद रखता है। कैश float16 में है:
# शून्य नहीं, छोटे अंतर की उम्मीद करें।
#
# </details>
#
# <details><summary>हल</summary>
#
# float16 कैश की राउंडिंग तक दोनों मेल खाते हैं: दोनों को वही वेट निकालते हैं। 03
# और 04 से अलग ट्रेनिंग है, मॉडल नहीं: 04 नेटवर्क को हर एपॉक में हर इमेज नए सिरे
# से फ़्लिप और रोटेट करके दिखाती है, जबकि यहाँ हर एपॉक वही कैश किया हुआ रूप देखता
# है। इसीलिए इस नोटबुक की ट्रेनिंग सटीकता 0.999 तक पहुँचती है, और इसीलिए इसकी
# संख्याएँ 04 के क़रीब हैं, पर वही नहीं।
#
# ```python
# import numpy as np
#
# from_images = model.predict(validation_dataset, verbose=0).flatten()
# from_cache = top_model.predict(
#     fast.make_cached_dataset(val_acts, val_labels, BATCH_SIZE), verbose=0).flatten()
# difference = np.abs(from_images - from_cache)
# print(f"largest difference in logit: {difference.max():.4f} "
#       f"(logits up to {np.abs(from_images).max():.2f})")
# print(f"same class for {np.mean((from_images > 0) == (from_cache > 0)):.1%}")
# assert difference.max() <= 0.05 * np.abs(from_images).max() + 0.05
# ```
#
# </details>

# %% [markdown] translates="8700123f5ae5"
# ### अभ्यास 4 (विस्तार करें): सेकंडों में दूसरा हेड आज़माएँ
# फ़ीचर कैश हों तो हेड के प्रयोग सेकंडों में हो जाते हैं। `train_features` पर एक
# छिपी लेयर (`Dense(64, activation="relu")`) वाला हेड `INITIAL_EPOCHS` एपॉक ट्रेन
# करें और उसकी वैलिडेशन सटीकता की तुलना अकेली यूनिट वाले हेड से करें (सेव किए गए
# रन में 10 एपॉक के बाद 0.9641)।
#
# <details><summary>संकेत</summary>
#
# चरण 1 की नक़ल करें: एक `Input(shape=(1280,))`, आपकी लेयर, `compile_for_logits`,
# और `fast.make_cached_dataset(train_features, ...)` पर `fit`। नई लेयर ऑब्जेक्ट
# इस्तेमाल करें, ताकि नोटबुक का `model` न छुआ जाए।
#
# </details>
#
# <details><summary>हल</summary>
#
# यह चरण 1 की तरह सेकंडों में ट्रेन होता है। लगभग वैसी ही सटीकता की उम्मीद करें:
# ये फ़ीचर क्लासों को पहले से ही लगभग एक सीधी रेखा से अलग कर देते हैं, और छिपी
# लेयर ओवरफ़िट होने के लिए लगभग 82,000 वेट और जोड़ देती है। असल बात तरीक़ा है: कैश
# किए फ़ीचर के साथ आप उतने समय में दस हेड आज़मा सकते हैं जितना 03 का एक एपॉक लेता
# है। (चरण 1 की तरह, यह बिना ऑगमेंटेशन वाली इमेज के फ़ीचर पर ट्रेन होता है।)
#
# ```python
# features_in = tf.keras.Input(shape=(1280,))
# z = tf.keras.layers.Dense(64, activation="relu")(features_in)
# z = tf.keras.layers.Dropout(DROPOUT)(z)
# bigger_head = tf.keras.Model(features_in, tf.keras.layers.Dense(1)(z))
# compile_for_logits(bigger_head,
#                    tf.keras.optimizers.Adam(learning_rate=BASE_LEARNING_RATE))
# start = time.perf_counter()
# bigger = bigger_head.fit(
#     fast.make_cached_dataset(train_features, train_labels, BATCH_SIZE, shuffle=True),
#     epochs=INITIAL_EPOCHS,
#     validation_data=fast.make_cached_dataset(val_features, val_labels, BATCH_SIZE),
#     verbose=0,
# )
# print(f"{time.perf_counter() - start:.1f} s; validation accuracy "
#       f"{bigger.history['val_accuracy'][-1]:.4f} with the hidden layer, "
#       f"{head_history.history['val_accuracy'][-1]:.4f} with the single unit")
# ```
#
# </details>
