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

# %% [markdown] translates="ce3dd306fa76"
# # 3. फ़्रीज़ किए हुए MobileNetV2 से फ़ीचर एक्सट्रैक्शन

# %% [markdown]
# <table class="tfo-notebook-buttons" align="left">
#   <td><a target="_blank" href=
#   "https://colab.research.google.com/github/tl-course/transfer-learning-course/blob/v1.1.0/notebooks-hi/03_feature_extraction.ipynb">
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
#   "https://github.com/tl-course/transfer-learning-course/blob/v1.1.0/notebooks-hi/03_feature_extraction.ipynb">
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
#   "https://raw.githubusercontent.com/tl-course/transfer-learning-course/v1.1.0/notebooks-hi/03_feature_extraction.ipynb">
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
# English: [03_feature_extraction](../notebooks/03_feature_extraction.ipynb)

# %% [markdown] translates="c438af30f957"
# MobileNetV2 ने ImageNet की 14 लाख फ़ोटो से यह सीखा है कि किसी इमेज को ऐसे फ़ीचर
# (feature) में कैसे बदला जाए जो उसका वर्णन करें। हम इन फ़ीचर को जैसे हैं वैसे ही
# रखते हैं (नेटवर्क *फ़्रीज़ (frozen)* है) और ऊपर सिर्फ़ एक छोटा क्लासिफ़ायर
# (classifier) ट्रेन करते हैं: हर फ़ीचर के लिए एक वेट (weight), कुल 1,281
# संख्याएँ। इसे *फ़ीचर एक्सट्रैक्शन (feature extraction)* कहते हैं।

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

import matplotlib.pyplot as plt
import tensorflow as tf

from helpers import (
    artifacts,
    assets,
    catchup,
    model_parts,
    pipeline,
    session,
    splits,
    stages,
    training,
)

# %% [markdown] translates="8dddd3e3ddcd"
# ट्यूटोरियल की सेटिंग:

# %% tags=["parameters"]
BATCH_SIZE = 32
SEED = 123
BASE_LEARNING_RATE = 0.0001
INITIAL_EPOCHS = 10
DROPOUT = 0.2
WEIGHTS = "imagenet"  # or the path of a local .h5 copy

# %% jupyter={"source_hidden": true} tags=["course", "switches"]
# Course switches (the tutorial has none; docs/course-cells.md explains each). An
# environment variable TL_<NAME> (TL_ARTIFACTS_DIR, TL_WEIGHTS) wins over a value here.
ARTIFACTS_DIR = "../artifacts"  # where each notebook saves what the next one loads
CATCH_UP = True  # an earlier notebook's work is missing: fetch or make it
USE_DRIVE = False  # on Colab: keep that work in Google Drive between sessions
VERBOSE = 1  # fit's progress: 1 a bar per epoch, 2 a line per epoch
BACKUP = True  # save after each epoch, so that re-running fit resumes

# %% jupyter={"source_hidden": true} tags=["course"]
session.setup_notebook()  # the course's own errors as one readable line
ARTIFACTS_DIR = artifacts.get_artifacts_dir(ARTIFACTS_DIR)
print(session.describe_runtime("03"))

# %% [markdown] translates="eb91c6803aa1"
# रैंडम सीड (random seed; रैंडम यानी यादृच्छिक) तय हैं (नई लेयरों के शुरुआती वेट,
# ऑगमेंटेशन, ड्रॉपआउट और शफ़ल के लिए), ताकि उसी मशीन और उन्हीं वर्ज़न पर दोबारा चलाने
# से वही संख्याएँ मिलें।

# %%
tf.keras.utils.set_random_seed(SEED)

# %% [markdown] translates="3823fa044669"
# **अगर आप यहीं से शुरू कर रहे हैं**, तो अगला सेल वह स्प्लिट ले आता है या बना
# लेता है जो [01_data](01_data.ipynb) सेव करती है
# ([कैसे](../docs/course-cells.md#if-you-start-here))।

# %% tags=["course"]
print(catchup.ensure_stage("split", ARTIFACTS_DIR, CATCH_UP, use_drive=USE_DRIVE))

# %% [markdown] translates="c560acfe243c"
# [01_data](01_data.ipynb) का स्प्लिट, प्रीफ़ेच किए हुए डेटासेट के रूप में। इमेज
# साइज़ स्प्लिट के साथ ही आता है।

# %%
split = splits.load_split(ARTIFACTS_DIR)
IMG_SIZE = split.image_size
AUTOTUNE = tf.data.AUTOTUNE
train_dataset = pipeline.make_dataset(
    split.train, IMG_SIZE, BATCH_SIZE, shuffle=True, seed=SEED
).prefetch(AUTOTUNE)
validation_dataset = pipeline.make_dataset(
    split.validation, IMG_SIZE, BATCH_SIZE
).prefetch(AUTOTUNE)

# %% [markdown] translates="e97493973a49"
# ## बेस मॉडल
# `include_top=False` ImageNet का 1000 क्लास वाला क्लासिफ़ायर हटा देता है और
# सिर्फ़ कन्वोल्यूशन (convolution) वाला हिस्सा रखता है, यानी कन्वोल्यूशनल बेस
# (convolutional base)। 160x160 की इमेज के लिए इसका आख़िरी ब्लॉक 1280 फ़ीचर का 5x5
# ग्रिड देता है। यही आख़िरी ब्लॉक *बॉटलनेक लेयर (bottleneck layer)* है: वह आख़िरी
# लेयर, जिसके बाद नेटवर्क अपने फ़ीचर को समेटकर ImageNet की 1000 क्लास के स्कोर
# बनाता है। इसके फ़ीचर आम होते हैं (आकार, बनावट, चीज़ों के हिस्से), जबकि इसके बाद
# की लेयर उन्हें सिर्फ़ ImageNet की क्लासों में छाँटती हैं। इसलिए हम नेटवर्क को
# बॉटलनेक तक रखते हैं और उसके बाद अपना क्लासिफ़ायर लगाते हैं।
#
# `weights="imagenet"` ImageNet वाले वेट लोड करता है, जैसे ट्यूटोरियल में।
# `prepare_weights` पक्का करता है कि Keras उन्हें ढूँढ ले: वह फ़ाइल को पहले Keras
# कैश में रखता है (क्लासरूम मिरर `TL_MIRROR` से, या ट्यूटोरियल वाले पते से) और
# उसकी जाँच करता है। अगर `TL_WEIGHTS` किसी लोकल कॉपी पर सेट है, तो वह उसी फ़ाइल का
# पाथ लौटाता है, और बेस वहीं से लोड होता है।
#
# कौन-सी फ़ाइल? Keras वेट की फ़ाइल इनपुट के साइज़ से चुनता है: 160 पिक्सेल पर
# `weights="imagenet"`
# `mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_160_no_top.h5` डाउनलोड करता
# है, जो ट्यूटोरियल वाली फ़ाइल है। कोर्स के सेव किए गए रन ने `TL_WEIGHTS` के ज़रिए
# 224 पिक्सेल वाली फ़ाइल (`..._1.0_224_no_top.h5`, नीचे छपी) इस्तेमाल की। दोनों इस बेस में
# लोड होती हैं: कन्वोल्यूशनल बेस का इनपुट साइज़ तय नहीं होता (उसके फ़िल्टर किसी भी
# साइज़ के ग्रिड पर खिसकते हैं), इसलिए 224 पिक्सेल पर ट्रेन हुए वेट 160 पिक्सेल पर भी चलते हैं।
# फिर भी वे अलग वेट हैं, इसलिए 160 पिक्सेल वाली फ़ाइल से किया गया रन सेव किए गए रन से अलग
# नतीजे देगा।
#
# **यहाँ आ सकने वाले एरर:**
#
# - `AssetError: ... does not load into MobileNetV2` या `holds N values`:
#   `TL_WEIGHTS` वाली फ़ाइल MobileNetV2 alpha 1.0 की no_top फ़ाइल नहीं है।
# - `AssetError: ... cannot connect`: नेटवर्क नहीं है। `TL_WEIGHTS` को लोकल कॉपी
#   पर, या `TL_MIRROR` को क्लासरूम मिरर पर सेट करें।

# %%
WEIGHTS = assets.prepare_weights(WEIGHTS)
print("weights:", os.path.basename(WEIGHTS))
IMG_SHAPE = IMG_SIZE + (3,)
base_model = tf.keras.applications.MobileNetV2(
    input_shape=IMG_SHAPE, include_top=False, weights=WEIGHTS
)

# %% [markdown] translates="612d1da4440b"
# 32 इमेज का एक बैच, 32 फ़ीचर ग्रिड का बैच बन जाता है।

# %% tags=["nbval-check-output"]
image_batch, label_batch = next(iter(train_dataset))
feature_batch = base_model(image_batch)
print(feature_batch.shape)
# MobileNetV2 shrinks each side 32 times: 160 px -> a 5x5 grid
assert feature_batch.shape == (BATCH_SIZE, IMG_SIZE[0] // 32, IMG_SIZE[1] // 32, 1280)

# %% [markdown] translates="393a533e42bc"
# ## बेस को फ़्रीज़ करना
# `trainable = False` बेस का हर वेट वैसा ही रखता है जैसा ImageNet ने छोड़ा था:
# ट्रेनिंग सिर्फ़ उस क्लासिफ़ायर को बदलेगी जो हम जोड़ते हैं।

# %%
base_model.trainable = False
assert not base_model.trainable_variables

# %% [markdown] translates="4a7c1941d67c"
# बेस की लेयर: MobileNetV2 में 154 लेयर और 22.6 लाख पैरामीटर (parameter) हैं, और
# अभी इनमें से एक भी ट्रेनेबल (trainable) नहीं है: सारे नॉन-ट्रेनेबल
# (non-trainable) हैं। (तालिका लंबी है; स्क्रॉल करके आगे बढ़ जाएँ।)

# %%
base_model.summary()

# %% [markdown] translates="ef51b4ab02fb"
# ## क्लासिफ़िकेशन हेड (classification head)
# ग्लोबल ऐवरेज पूलिंग (global average pooling) हर 5x5x1280 ग्रिड को 1280 संख्याओं
# में बदल देती है...

# %% tags=["nbval-check-output"]
global_average_layer = tf.keras.layers.GlobalAveragePooling2D()
feature_batch_average = global_average_layer(feature_batch)
print(feature_batch_average.shape)

# %% [markdown] translates="dc65a6cd3c2c"
# ...और एक `Dense` यूनिट (unit) उन्हें हर इमेज के लिए एक संख्या में बदल देती है,
# एक *लॉजिट (logit)* में: धनात्मक यानी क्लास 1 (dogs), ऋणात्मक यानी क्लास 0
# (cats)। कोई ऐक्टिवेशन (activation) नहीं: लॉस (loss) सिग्मॉइड (sigmoid) ख़ुद
# लगाता है (`from_logits=True`), जो गणना में ज़्यादा स्थिर (numerically stable) है।

# %% tags=["nbval-check-output"]
prediction_layer = tf.keras.layers.Dense(1)
prediction_batch = prediction_layer(feature_batch_average)
print(prediction_batch.shape)

# %% [markdown] translates="f98bb724d43b"
# ## मॉडल
# ऑगमेंटेशन, रीस्केलिंग, फ़्रीज़ किया हुआ बेस, पूलिंग, ड्रॉपआउट (dropout: ट्रेनिंग
# के दौरान यह रैंडम ढंग से 20% फ़ीचर को शून्य कर देता है) और लॉजिट। रीस्केलिंग
# लेयर असल में `preprocess_input` ही है, बस लेयर के रूप में (02 देखें)।
#
# `base_model(x, training=False)` कहता है कि बेस की BatchNormalization लेयर
# *इन्फ़रेंस मोड (inference mode)* में रहें: वे हर छोटे बैच के अपने आँकड़ों की जगह
# ImageNet से मिले आँकड़ों (मीन और वेरिएंस, यानी माध्य और प्रसरण) से नॉर्मलाइज़
# (normalize) करती हैं, और उन आँकड़ों को कभी अपडेट नहीं करतीं। जब तक बेस फ़्रीज़ है,
# Keras वैसे भी यही करता
# है। नोटबुक 04 जब बेस का ऊपरी हिस्सा अनफ़्रीज़ (unfreeze) करती है, तब यह मायने
# रखता है, और **Keras 3 में यह बदल गया**: `fit` मॉडल को `training=True`, यानी
# ट्रेनिंग मोड (training mode) में चलाता है, जो यहाँ के `training=False` को
# ओवरराइड कर देता है (keras-team/keras#20285)। नोटबुक 04 इसका उपाय दिखाती है।

# %%
data_augmentation = model_parts.make_augmentation()  # the Sequential of 02
rescale = model_parts.make_rescaling()

inputs = tf.keras.Input(shape=IMG_SHAPE)
x = data_augmentation(inputs)
x = rescale(x)
x = base_model(x, training=False)
x = global_average_layer(x)
x = tf.keras.layers.Dropout(DROPOUT)(x)
outputs = prediction_layer(x)
model = tf.keras.Model(inputs, outputs)

# %% [markdown] translates="482d0b64423e"
# ## कंपाइल (compile)
# छोटी लर्निंग रेट (learning rate) के साथ Adam ऑप्टिमाइज़र (optimizer), और लॉजिट
# पर बाइनरी क्रॉस-एंट्रॉपी (binary cross-entropy)। सटीकता (accuracy) वाले मेट्रिक
# (metric) को *लॉजिट* पर 0 का थ्रेशोल्ड (threshold) लगाना चाहिए: ट्यूटोरियल का
# `metrics=["accuracy"]` 0.5 पर थ्रेशोल्ड लगाता है, जो एक प्रायिकता (probability)
# है, और इस तरह 0 और 0.5 के बीच का हर लॉजिट ग़लत गिना जाता है।
#
# आज के tensorflow.org से तुलना करें तो: ट्यूटोरियल का नया वर्ज़न आख़िरी लेयर पर
# सिग्मॉइड लगाता है (`Dense(1, activation="sigmoid")`), यानी मॉडल प्रायिकता देता
# है, `from_logits=False` और सटीकता के लिए 0.5 के थ्रेशोल्ड के साथ। दोनों तरीक़े
# सही हैं: लॉजिट के साथ 0 का थ्रेशोल्ड (यहाँ), प्रायिकता के साथ 0.5 (वहाँ)। बस
# दोनों को कभी मिलाएँ नहीं (अभ्यास 1 दिखाता है कि मिलाने की क्या क़ीमत है)।

# %%
model.compile(
    optimizer=tf.keras.optimizers.Adam(learning_rate=BASE_LEARNING_RATE),
    loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
    metrics=[tf.keras.metrics.BinaryAccuracy(threshold=0.0, name="accuracy")],
)

# %% [markdown] translates="bb10d36f48b3"
# पूरा मॉडल: बेस इसमें एक ही लेयर की तरह दिखता है। `show_trainable=True` एक कॉलम
# जोड़ता है जो बताता है कि कौन-सी लेयर ट्रेन होती हैं: बेस नहीं (N), `Dense` हेड
# होता है (Y); जिन लेयरों में वेट नहीं हैं (पूलिंग, ड्रॉपआउट) वहाँ डैश दिखता है।

# %%
model.summary(show_trainable=True)

# %% [markdown] translates="85e3bebd613e"
# सिर्फ़ हेड ट्रेन होता है: 1280x1 का एक कर्नेल (kernel: यहाँ `Dense` लेयर के वेट)
# और एक बायस (bias), यानी दो वेरिएबल (variable) में 1,281 पैरामीटर।

# %% tags=["nbval-check-output"]
print("trainable variables:", len(model.trainable_variables))
print("trainable parameters:", model_parts.count_params(model.trainable_variables))
assert len(model.trainable_variables) == 2
assert model_parts.count_params(model.trainable_variables) == 1281

# %% [markdown] translates="2bc14bc6b18a"
# ## ट्रेनिंग से पहले
# रैंडम हेड वाला मॉडल सिर्फ़ अंदाज़ा लगा रहा है: लगभग 50% सटीकता।

# %%
loss0, accuracy0 = model.evaluate(validation_dataset, verbose=0)
print(f"initial loss: {loss0:.2f}")
print(f"initial accuracy: {accuracy0:.2f}")

# %% [markdown] translates="da5c96dfd0fa"
# ## हेड की ट्रेनिंग
# ट्रेनिंग बीच में रुक सकती है (लैपटॉप बंद हो गया, या Colab का रनटाइम (runtime)
# ख़त्म हो गया)। `ResumableRun` Keras के अपने कॉलबैक (callback) से ट्रेनिंग को इस
# रुकावट के बाद भी आगे बढ़ने लायक़ बनाता है: हर एपॉक के बाद एक बैकअप (backup),
# ताकि `fit` वाला सेल दोबारा चलाने पर ट्रेनिंग आख़िरी पूरे हुए एपॉक के बाद से फिर
# शुरू हो, और हर एपॉक के मेट्रिक और सेकंड का एक लॉग। कोर्स के स्विच (course
# switches) वाले सेल में `BACKUP = False` रखने पर बैकअप बंद हो जाता है। बैकअप की
# क़ीमत 2-कोर CPU पर 20 सेकंड के एक एपॉक में लगभग 0.3 सेकंड है (वेट और ऑप्टिमाइज़र
# की स्थिति लिखना: एपॉक का 2% से कम, `make benchmark` से मापा गया); यही ट्रेनिंग रुक जाने के बाद
# आगे बढ़ पाने की क़ीमत है।
#
# **यहाँ दिख सकने वाले मैसेज:**
#
# - `Resuming an interrupted run after epoch N.`: एरर नहीं है। पिछली ट्रेनिंग बीच
#   में रुकी थी, और यह उसी एपॉक-क्रम में वहीं से आगे बढ़ रही है (नए सिरे से शुरू
#   करना हो तो `artifacts/backup_*` मिटा दें)।
# - `Not resuming the backup in ...: it was made by another run`: यह भी एरर नहीं
#   है। किसी दूसरे रन (दूसरी सेटिंग, मॉडल या स्प्लिट) का बैकअप कभी आगे नहीं बढ़ाया
#   जाता: उसका नाम बदलकर उसे अलग रख दिया जाता है (मिटाया नहीं जाता), और ट्रेनिंग
#   नए सिरे से शुरू होती है।

# %% tags=["course"]
run = training.ResumableRun(
    ARTIFACTS_DIR, "feature_extraction", model, split.id, epochs=INITIAL_EPOCHS,
    verbose=VERBOSE, backup=BACKUP, batch_size=BATCH_SIZE, seed=SEED, dropout=DROPOUT,
)
print(run.message)

# %% [markdown] translates="e5fe6e6592e0"
# ट्यूटोरियल का `fit`, साथ में `callbacks=run.callbacks`:

# %%
history = model.fit(
    train_dataset,
    epochs=INITIAL_EPOCHS,
    validation_data=validation_dataset,
    callbacks=run.callbacks,
)

# %% [markdown] translates="3b106b3f3838"
# `history.history` में सिर्फ़ वे एपॉक हैं जो इस `fit` ने चलाए; रुका हुआ रन आगे
# बढ़ाने के बाद इसमें सारे एपॉक नहीं होते, इसलिए हम पूरी हिस्ट्री (history) रन के
# लॉग से पढ़ते हैं।

# %%
hist = run.history()
assert hist["epoch"] == list(range(INITIAL_EPOCHS))

# %% [markdown] translates="b43638d5904a"
# ## लर्निंग कर्व (learning curves)
# ट्यूटोरियल का प्लॉट। यहाँ वैलिडेशन सटीकता का ट्रेनिंग सटीकता से ऊपर रहना
# अपेक्षित है: ड्रॉपआउट और ऑगमेंटेशन सिर्फ़ ट्रेनिंग के दौरान काम करते हैं, और
# ट्रेनिंग के मेट्रिक पूरे एपॉक का औसत होते हैं, जबकि उस दौरान मॉडल अभी सुधर ही
# रहा था।
#
# प्लॉट का टेक्स्ट अंग्रेज़ी में है (कारण:
# [docs/hindi-plots.hi.md](../docs/hindi-plots.hi.md)): Training Accuracy = ट्रेनिंग
# सटीकता, Validation Accuracy = वैलिडेशन सटीकता, Training/Validation Loss =
# ट्रेनिंग/वैलिडेशन लॉस, Cross Entropy = क्रॉस-एंट्रॉपी, epoch = एपॉक। x-अक्ष
# एपॉक को 0 से गिनता है: प्लॉट का 0 पहला एपॉक है और 9 दसवाँ।

# %%
acc = hist["accuracy"]
val_acc = hist["val_accuracy"]

loss = hist["loss"]
val_loss = hist["val_loss"]

plt.figure(figsize=(8, 8))
plt.subplot(2, 1, 1)
plt.plot(acc, label="Training Accuracy")
plt.plot(val_acc, label="Validation Accuracy")
plt.legend(loc="lower right")
plt.ylabel("Accuracy")
plt.ylim([min(plt.ylim()), 1])
plt.title("Training and Validation Accuracy")

plt.subplot(2, 1, 2)
plt.plot(loss, label="Training Loss")
plt.plot(val_loss, label="Validation Loss")
plt.legend(loc="upper right")
plt.ylabel("Cross Entropy")
plt.ylim([0, 1.0])
plt.title("Training and Validation Loss")
plt.xlabel("epoch")
plt.show()

# %% [markdown] translates="7c520dd38e1f"
# यहाँ फ़ीचर एक्सट्रैक्शन ख़त्म होता है (ट्यूटोरियल अपने 160-px वाले वेट के साथ
# लगभग 0.96 बताता है):

# %%
print(f"validation accuracy after feature extraction: {val_acc[-1]:.4f}")

# %% [markdown] translates="16be668f0d4a"
# ## अगली नोटबुक के लिए सेव करना
# मॉडल (`.keras`, जो Keras चलने वाली किसी भी जगह लोड हो जाता है) और उसकी संख्याएँ
# एटॉमिक ढंग से लिखी जाती हैं (पहले एक अस्थायी फ़ाइल, फिर उसका नाम बदलना): क्रैश
# होने पर भी कभी आधी फ़ाइल नहीं बचती। नतीजों में स्प्लिट की id और एपॉक की संख्या
# दर्ज होती है, जिसे 04 `INITIAL_EPOCHS` दोहराने के बजाय पढ़ लेती है।

# %%
saved = stages.save_stage(
    ARTIFACTS_DIR, "feature_extraction", split, model, history=hist,
    epochs=INITIAL_EPOCHS, initial_loss=loss0, initial_accuracy=accuracy0,
    train_seconds=run.seconds(),
)
print("saved", " and ".join(path.name for path in saved))

# %% tags=["course"]
catchup.keep(ARTIFACTS_DIR, "feature_extraction", use_drive=USE_DRIVE)

# %% [markdown] translates="02819abc4045"
# ## अभ्यास
# ये अभ्यास एक पैरामीटर बदलकर उसके असर का अंदाज़ा लगाने से शुरू होते हैं और कोड
# का विस्तार करने तक जाते हैं। हर अभ्यास (exercise) के साथ एक **संकेत (hint)** और
# एक पूरा समझाया हुआ **हल (solution)** है, दोनों छिपे हुए: पहले ख़ुद कोशिश करें,
# फिर *संकेत* या *हल* पर क्लिक करके उन्हें खोलें। हल का कोड तब चलता है जब यह
# नोटबुक ऊपर से पूरी चल चुकी हो (पहले Run All): उसे आख़िर में एक नए सेल में पेस्ट
# करें। वह इस नोटबुक की सेव की हुई कोई भी फ़ाइल नहीं बदलता।

# %% [markdown] translates="bb5faa43c6a7"
# ### अभ्यास 1 (अंदाज़ा लगाएँ): ट्यूटोरियल वाला सटीकता मेट्रिक
# हमारे मेट्रिक की जगह ट्यूटोरियल का `metrics=["accuracy"]` लगाएँ, जिसका इस लॉस के
# साथ मतलब है `BinaryAccuracy(threshold=0.5)`। अंदाज़ा लगाएँ: यह हमारे मेट्रिक से
# ज़्यादा सटीकता बताएगा या कम, और किन इमेज को ग़लत गिनेगा? यह बिना कुछ ट्रेन किए
# पता चल सकता है।
#
# <details><summary>संकेत</summary>
#
# मॉडल एक लॉजिट *z* देता है और *z* > 0 होने पर "dog" कहता है, जो sigmoid(*z*) >
# 0.5 के बराबर है। 0.5 का थ्रेशोल्ड सीधे *z* पर लगाना एक अलग नियम है: कौन-से लॉजिट
# इससे अलग क्लास में चले जाते हैं?
#
# </details>
#
# <details><summary>हल</summary>
#
# यह *लॉजिट* की तुलना 0.5 से करता है: जिस भी इमेज का लॉजिट 0 और 0.5 के बीच है (dog
# की प्रायिकता 0.5 और लगभग 0.62 के बीच), वह "cat" गिनी जाती है। कुत्ते के लिए यह
# ग़लती गिनी जाती है, बिल्ली के लिए संयोग से सही, इसलिए यह मेट्रिक आम तौर पर असली
# सटीकता से कम होता है, और लॉस से मेल नहीं खाता, जो सिग्मॉइड ठीक से लगाता है। कोड
# ट्रेन किए गए मॉडल से वैलिडेशन सेट में ऐसी इमेज गिनता है।
#
# tensorflow.org पर ट्यूटोरियल का नया वर्ज़न सिग्मॉइड को मॉडल के अंदर रखता है
# (`Dense(1, activation="sigmoid")`, लॉस में `from_logits=False`) और 0.5 का
# थ्रेशोल्ड रखता है: यह भी सही है। लॉजिट के साथ 0 का थ्रेशोल्ड, प्रायिकता के साथ
# 0.5; दोनों को मिलाना ही बग है।
#
# ```python
# import numpy as np
#
# val_logits = model.predict(validation_dataset, verbose=0).flatten()
# val_labels = np.concatenate([y.numpy() for _, y in validation_dataset])
# ours = np.mean((val_logits > 0) == val_labels)
# at_half = np.mean((val_logits > 0.5) == val_labels)
# between = int(np.sum((val_logits > 0) & (val_logits <= 0.5)))
# print(f"logit > 0: {ours:.4f}   logit > 0.5: {at_half:.4f}")
# print(between, "validation images have a logit between 0 and 0.5")
# assert abs(ours - model.evaluate(validation_dataset, verbose=0)[1]) < 1e-5
# ```
#
# </details>

# %% [markdown] translates="48f95b33fd32"
# ### अभ्यास 2 (अंदाज़ा लगाएँ): बीस एपॉक
# `parameters` सेल में `INITIAL_EPOCHS = 20` रखें और यह नोटबुक ऊपर से दोबारा चलाएँ
# (*Kernel > Restart Kernel and Run All Cells*)। ऊपर के लर्निंग कर्व देखकर अंदाज़ा
# लगाएँ: क्या वैलिडेशन सटीकता बढ़ती ही रहती है? और उसके बाद 04 में क्या होता है?
#
# <details><summary>संकेत</summary>
#
# सेव किए गए रन के आख़िरी एपॉक देखें: शुरुआत में वैलिडेशन सटीकता हर एपॉक में कितनी
# बढ़ी, और आख़िर में कितनी?
#
# </details>
#
# <details><summary>हल</summary>
#
# सेव किए गए रन में बढ़त घटती जाती है: एपॉक 1 के बाद 0.7661, फिर एपॉक 8 से 10 में
# 0.9592, 0.9616 और 0.9653। उम्मीद करें कि यह थोड़ा और रेंगकर ऊपर जाएगी और फिर ठहर
# जाएगी: सिर्फ़ 1,281 वेट सीखते हैं, ऐसे फ़ीचर से जो बदलते नहीं, इसलिए हेड जल्दी
# ही वह सब ले लेता है जो ये फ़ीचर बता सकते हैं; सीखने को इतना कम है कि ओवरफ़िटिंग
# भी धीमी होती है। दस और एपॉक 2-कोर CPU पर लगभग 5.3 मिनट और लेते हैं: इस
# नोटबुक के सेव किए गए रन में हर एपॉक औसतन 31.6 सेकंड ले रहा था (20.8 से 41.6
# सेकंड तक)।
#
# 04 में कुछ नहीं टूटता: 04 एपॉक की संख्या 03 की सेव की हुई फ़ाइल से पढ़ती है
# (वह "feature extraction ran 20 epochs" प्रिंट करती है), फ़ाइन-ट्यूनिंग के एपॉक
# 21 से 30 गिनती है, और उसकी जाँचें सही रहती हैं।
# 03 के बाद 04 और 05 दोबारा चलाएँ, ताकि वे नया मॉडल इस्तेमाल करें। पैरामीटर बदलें,
# `fit` कॉल का `epochs=` नहीं: वरना लॉग में 20 एपॉक होंगे जबकि `INITIAL_EPOCHS` 10
# कहता है, ट्रेनिंग के बाद की जाँच (`hist["epoch"] ==
# list(range(INITIAL_EPOCHS))`) नोटबुक रोक देगी, और कुछ भी सेव नहीं होगा। कोर्स की
# संख्याओं पर लौटने के लिए `INITIAL_EPOCHS = 10` रखें और 03, 04 और 05 दोबारा
# चलाएँ।
#
# बिना दोबारा चलाए, नीचे का कोड मॉडल की एक कॉपी को दो और एपॉक ट्रेन करता है (नए
# ऑप्टिमाइज़र के साथ; सेव किया हुआ मॉडल जैसा है वैसा रहता है) और प्रिंट करता है कि
# वैलिडेशन सटीकता किधर जाती है:
#
# ```python
# more = tf.keras.models.clone_model(model)
# more.set_weights(model.get_weights())
# assert len(more.trainable_variables) == 2  # the copy's base is frozen too
# more.compile(
#     optimizer=tf.keras.optimizers.Adam(learning_rate=BASE_LEARNING_RATE),
#     loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
#     metrics=[tf.keras.metrics.BinaryAccuracy(threshold=0.0, name="accuracy")],
# )
# extra = more.fit(train_dataset, epochs=INITIAL_EPOCHS + 2,
#                  initial_epoch=INITIAL_EPOCHS, validation_data=validation_dataset,
#                  verbose=0)
# print(f"epoch {INITIAL_EPOCHS}: validation accuracy {hist['val_accuracy'][-1]:.4f}")
# for epoch, accuracy in zip(extra.epoch, extra.history["val_accuracy"]):
#     print(f"epoch {epoch + 1}: validation accuracy {accuracy:.4f}")
# ```
#
# </details>

# %% [markdown] translates="50b198f7fb6f"
# ### अभ्यास 3 (सोचें): औसत लें, या हर जगह रखें?
# हेड हर इमेज के 1,280 नंबर देखता है: हर फ़ीचर का 5x5 ग्रिड पर औसत। अगर वह पूरा
# ग्रिड देखे तो (`GlobalAveragePooling2D` की जगह `Flatten`)? तब `Dense(1)` लेयर के
# कितने वेट होंगे, और 2,000 ट्रेनिंग इमेज के साथ यह क्यों ख़राब हो सकता है?
#
# <details><summary>संकेत</summary>
#
# `Flatten` हर जगह का मान रखता है: 5 x 5 x 1280 नंबर। एक `Dense` यूनिट के हर इनपुट
# का एक वेट होता है, साथ में एक बायस।
#
# </details>
#
# <details><summary>हल</summary>
#
# 32,000 इनपुट, यानी 1,281 की जगह 32,001 वेट, उन्हीं 2,000 इमेज से सीखे हुए, हर
# फ़ीचर *और हर जगह* का एक वेट: ऊपर बाईं ओर कुत्ते के कान और नीचे दाईं ओर कुत्ते के
# कान के लिए अलग-अलग वेट चाहिए होंगे। औसत यह पूछता है कि "क्या कहीं भी कान है?",
# और बॉटलनेक के फ़ीचर इसी में अच्छे हैं; साथ ही रटने के लिए बहुत कम बचता है। इसी
# कारण हमने MobileNetV2 को बॉटलनेक पर काटा था: उसके फ़ीचर आकार, बनावट और हिस्सों
# का वर्णन करते हैं, वे जहाँ भी हों, जबकि उसके बाद की लेयर उन्हें सिर्फ़ ImageNet
# की 1,000 क्लास में छाँटती हैं।
#
# ```python
# flat = tf.keras.layers.Flatten()(feature_batch)
# print("pooled:", feature_batch_average.shape, "| flattened:", flat.shape)
# flat_head = tf.keras.layers.Dense(1)
# flat_head(flat)
# print("Dense(1) weights:", model_parts.count_params(flat_head.weights))
# assert model_parts.count_params(flat_head.weights) == flat.shape[1] + 1
# ```
#
# </details>

# %% [markdown] translates="d1dacb0c80c4"
# ### अभ्यास 4 (विस्तार करें): हेड में एक छिपी लेयर
# पूलिंग और ड्रॉपआउट के बीच एक छिपी (hidden) लेयर, `Dense(128,
# activation="relu")`, लगाएँ। मॉडल उसी फ़्रीज़ `base_model` के आसपास बनाएँ, उसके
# ट्रेनेबल पैरामीटर गिनें, उसे एक एपॉक ट्रेन करें, और उसकी वैलिडेशन सटीकता की
# तुलना ऊपर के पहले एपॉक से करें।
#
# <details><summary>संकेत</summary>
#
# *मॉडल* वाले हिस्से का सेल एक और लाइन के साथ फिर से लिखें। नई लेयर नए ऑब्जेक्ट
# हैं; `data_augmentation`, `rescale` और `base_model` दोबारा इस्तेमाल हो सकते हैं
# (बेस फ़्रीज़ रहता है)। इसे `model` की तरह कंपाइल करें।
#
# </details>
#
# <details><summary>हल</summary>
#
# छिपी लेयर के 1280 x 128 + 128 वेट हैं और आउटपुट के 129: कुल 164,097, अकेली यूनिट
# के लगभग 128 गुना। यह फ़ीचर को मिला सकती है ("नुकीले कान" *और* "मूँछें"), लेकिन
# ये फ़ीचर बिल्लियों और कुत्तों को पहले से ही लगभग एक सीधी रेखा से अलग कर देते
# हैं: बड़े फ़ायदे की उम्मीद न करें, बल्कि ओवरफ़िटिंग की ज़्यादा गुंजाइश की, और
# इसीलिए ट्यूटोरियल एक ही यूनिट रखता है। सेव किए गए रन का रैखिक (linear) हेड एक
# एपॉक के बाद 0.7661 पर पहुँचा था; कोड दोनों प्रिंट करता है। (यह एक नया मॉडल ट्रेन
# करता है; सेव किया हुआ मॉडल जैसा है वैसा रहता है।)
#
# ```python
# hidden_inputs = tf.keras.Input(shape=IMG_SHAPE)
# y = data_augmentation(hidden_inputs)
# y = rescale(y)
# y = base_model(y, training=False)
# y = tf.keras.layers.GlobalAveragePooling2D()(y)
# y = tf.keras.layers.Dense(128, activation="relu")(y)
# y = tf.keras.layers.Dropout(DROPOUT)(y)
# hidden_model = tf.keras.Model(hidden_inputs, tf.keras.layers.Dense(1)(y))
# hidden_model.compile(
#     optimizer=tf.keras.optimizers.Adam(learning_rate=BASE_LEARNING_RATE),
#     loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
#     metrics=[tf.keras.metrics.BinaryAccuracy(threshold=0.0, name="accuracy")],
# )
# n_params = model_parts.count_params(hidden_model.trainable_variables)
# print("trainable parameters:", n_params)
# assert n_params == 1280 * 128 + 128 + 128 + 1
# one_epoch = hidden_model.fit(train_dataset, epochs=1,
#                              validation_data=validation_dataset, verbose=0)
# print(f"after one epoch: {one_epoch.history['val_accuracy'][0]:.4f} with the "
#       f"hidden layer, {hist['val_accuracy'][0]:.4f} with the single unit")
# ```
#
# </details>

# %% [markdown] translates="f09a37d96a64"
# अगली नोटबुक: [04_fine_tuning](04_fine_tuning.ipynb)।
