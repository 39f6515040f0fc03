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

# %% [markdown] translates="98f3bf725414"
# # 2. डेटा ऑगमेंटेशन और रीस्केलिंग

# %% [markdown]
# <table class="tfo-notebook-buttons" align="left">
#   <td><a target="_blank" href=
#   "https://colab.research.google.com/github/tl-course/transfer-learning-course/blob/v1.1.0/notebooks-hi/02_augmentation.ipynb">
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
#   "https://github.com/tl-course/transfer-learning-course/blob/v1.1.0/notebooks-hi/02_augmentation.ipynb">
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
#   "https://raw.githubusercontent.com/tl-course/transfer-learning-course/v1.1.0/notebooks-hi/02_augmentation.ipynb">
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
# English: [02_augmentation](../notebooks/02_augmentation.ipynb)

# %% [markdown] translates="004ea734311c"
# सिर्फ़ 2,000 ट्रेनिंग इमेज हों तो नेटवर्क उन्हें रट सकता है। *डेटा ऑगमेंटेशन
# (data augmentation)* हर एपॉक (epoch) में नेटवर्क को हर इमेज का थोड़ा बदला हुआ
# रूप दिखाता है (पलटा हुआ, घुमाया हुआ)। इसका असर ज़्यादा डेटा जैसा होता है, और
# ओवरफ़िटिंग (overfitting), यानी ट्रेनिंग इमेज को रट लेना, घटती है। इसके बाद
# पिक्सेल (pixel) मानों को उस रेंज में लाना होता है जिस पर MobileNetV2 ट्रेन हुआ
# था: इसे रीस्केलिंग (rescaling) कहते हैं।

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
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

from helpers import artifacts, catchup, model_parts, pipeline, session, splits

# %% [markdown] translates="8dddd3e3ddcd"
# ट्यूटोरियल की सेटिंग:

# %% tags=["parameters"]
BATCH_SIZE = 32
SEED = 123
ROTATION = 0.2  # fraction of a full turn: up to +/- 72 degrees

# %% jupyter={"source_hidden": true} tags=["course", "switches"]
# Course switches (the tutorial has none; docs/course-cells.md explains each). An
# environment variable TL_<NAME> (TL_ARTIFACTS_DIR) wins over a value here.
ARTIFACTS_DIR = "../artifacts"  # where each notebook saves what the next one loads
CATCH_UP = True  # an earlier notebook's work is missing: fetch or make it
USE_DRIVE = False  # on Colab: keep that work in Google Drive between sessions

# %% jupyter={"source_hidden": true} tags=["course"]
session.setup_notebook()  # the course's own errors as one readable line
ARTIFACTS_DIR = artifacts.get_artifacts_dir(ARTIFACTS_DIR)
print(session.describe_runtime("02"))

# %% [markdown] translates="5fd70c8072b8"
# **अगर आप यहीं से शुरू कर रहे हैं**, तो अगला सेल वह स्प्लिट ले आता है या बना
# लेता है जो [01_data](01_data.ipynb) सेव करती है
# ([कैसे](../docs/course-cells.md#if-you-start-here))।

# %% tags=["course"]
print(catchup.ensure_stage("split", ARTIFACTS_DIR, CATCH_UP, USE_DRIVE))

# %% [markdown] translates="f4f4d0d5563c"
# उसी स्प्लिट से ट्रेनिंग इमेज।

# %%
split = splits.load_split(ARTIFACTS_DIR)
IMG_SIZE = split.image_size
train_dataset = pipeline.make_dataset(
    split.train, IMG_SIZE, BATCH_SIZE, shuffle=True, seed=SEED
).prefetch(tf.data.AUTOTUNE)

# %% [markdown] translates="8387648b873d"
# ## ऑगमेंटेशन लेयर
# Keras की दो प्रीप्रोसेसिंग (preprocessing) लेयर (layer): एक रैंडम (random, यानी
# यादृच्छिक) फ़्लिप (flip), जो इमेज को बाएँ-दाएँ पलटती है (बाईं ओर देखती बिल्ली भी
# बिल्ली ही है), और एक रैंडम रोटेशन (rotation)। लेयर होने की वजह से ये मॉडल के अंदर
# चलती हैं, इसलिए सिर्फ़ ट्रेनिंग (`fit`) के दौरान सक्रिय रहती हैं; जब मॉडल मूल्यांकन
# (evaluation) या प्रेडिक्शन (prediction) करता है, तब ये इमेज को बिना बदले आगे भेज
# देती हैं।

# %%
data_augmentation = tf.keras.Sequential(
    [
        tf.keras.layers.RandomFlip("horizontal"),
        tf.keras.layers.RandomRotation(ROTATION),
    ]
)

# %% [markdown] translates="e0b49eafdc22"
# वही एक इमेज, नौ बार ऑगमेंट की हुई, ट्यूटोरियल के कोड से। `training=True` इन लेयर
# को चालू करता है, जैसे `fit` करता है।

# %%
for image, _ in train_dataset.take(1):
    plt.figure(figsize=(10, 10))
    first_image = image[0]
    for i in range(9):
        ax = plt.subplot(3, 3, i + 1)
        augmented_image = data_augmentation(tf.expand_dims(first_image, 0),
                                            training=True)
        plt.imshow(augmented_image[0] / 255)
        plt.axis("off")
plt.show()

# %% [markdown] translates="2f806f3f61a3"
# ट्रेनिंग के बाहर ये लेयर कुछ नहीं करतीं: इसीलिए वैलिडेशन सटीकता (validation
# accuracy) मॉडल को असली इमेज पर मापती है।

# %%
unchanged = data_augmentation(tf.expand_dims(first_image, 0), training=False)[0]
assert np.array_equal(unchanged.numpy(), first_image.numpy())

# %% [markdown] translates="17edfe260f83"
# आगे की नोटबुक ये दोनों लेयर `model_parts.make_augmentation` से बनाती हैं, जो ठीक
# यही `Sequential` है।

# %%
reused = model_parts.make_augmentation(ROTATION)
assert [type(layer) for layer in reused.layers] == [
    type(layer) for layer in data_augmentation.layers
]

# %% [markdown] translates="218bac7b7cf1"
# ## पिक्सेल मानों की रीस्केलिंग
# हमारी इमेज के मान [0, 255] में हैं। MobileNetV2 [-1, 1] वाले मानों पर ट्रेन हुआ
# था, और `tf.keras.applications.mobilenet_v2.preprocess_input` एक रेंज को दूसरी
# में बदलता है: `x / 127.5 - 1`।

# %%
preprocess_input = tf.keras.applications.mobilenet_v2.preprocess_input
scaled = preprocess_input(tf.cast(image, tf.float32))
print("min", float(tf.reduce_min(scaled)), "max", float(tf.reduce_max(scaled)))

# %% [markdown] translates="26bd2f5221b2"
# यही गणित एक लेयर के रूप में भी मिलता है: `Rescaling(1/127.5, offset=-1)`। दोनों
# एक जैसी संख्याएँ देते हैं। अगली नोटबुक का मॉडल लेयर वाला रूप इस्तेमाल करता है: यह
# लेयर मॉडल के सारांश (`model.summary()`) में दिखती है, मॉडल के साथ सेव होती है, और
# मॉडल की लेयरों पर चलने वाला कोड (एक्सपोर्ट, Grad-CAM) भी उसे देख पाता है। (अगर आप
# कोई दूसरा बेस मॉडल (base model) लगाएँ, तो *उसी का* `preprocess_input` इस्तेमाल
# करें: हर नेटवर्क अपनी अलग इनपुट रेंज की उम्मीद करता है।)

# %%
rescale = tf.keras.layers.Rescaling(1.0 / 127.5, offset=-1)
np.testing.assert_allclose(rescale(image).numpy(), scaled.numpy(), atol=1e-5)
assert float(tf.reduce_min(scaled)) >= -1.0 and float(tf.reduce_max(scaled)) <= 1.0

# %% [markdown] translates="02819abc4045"
# ## अभ्यास
# ये अभ्यास एक पैरामीटर बदलकर उसके असर का अंदाज़ा लगाने से शुरू होते हैं और कोड
# का विस्तार करने तक जाते हैं। हर अभ्यास (exercise) के साथ एक **संकेत (hint)** और
# एक पूरा समझाया हुआ **हल (solution)** है, दोनों छिपे हुए: पहले ख़ुद कोशिश करें,
# फिर *संकेत* या *हल* पर क्लिक करके उन्हें खोलें। हल का कोड तब चलता है जब यह
# नोटबुक ऊपर से पूरी चल चुकी हो (पहले Run All): उसे आख़िर में एक नए सेल में पेस्ट
# करें। वह इस नोटबुक की सेव की हुई कोई भी फ़ाइल नहीं बदलता।

# %% [markdown] translates="5c09b5f32807"
# ### अभ्यास 1 (अंदाज़ा लगाएँ): बिना रोटेशन
# `parameters` सेल में `ROTATION = 0.0` रखें और यह नोटबुक दोबारा चलाएँ (*Kernel >
# Restart Kernel and Run All Cells*)। देखने से पहले बताएँ: नौ इमेज के ग्रिड में
# कितनी *अलग-अलग* इमेज होंगी? और बिना रोटेशन की ट्रेनिंग नोटबुक 03 में क्या करेगी?
#
# <details><summary>संकेत</summary>
#
# रोटेशन बंद हो तो सिर्फ़ `RandomFlip("horizontal")` बचता है। फ़्लिप के कितने
# नतीजे हो सकते हैं?
#
# </details>
#
# <details><summary>हल</summary>
#
# ज़्यादा-से-ज़्यादा दो अलग इमेज: फ़ोटो और उसकी दर्पण-प्रतिबिंब (mirror image)। नीचे
# का कोड कुछ भी दोबारा चलाए बिना यह जाँचता है: नौ में से हर ड्रॉ इन दोनों में से ही
# एक है।
#
# `ROTATION` सिर्फ़ इसी नोटबुक में असर करता है (02 आगे की नोटबुक के लिए कुछ सेव
# नहीं करती)। बिना रोटेशन के ट्रेन करना हो तो 03 में ही बदलाव करें: *मॉडल* वाले
# हिस्से के सेल में `model_parts.make_augmentation()` की जगह
# `model_parts.make_augmentation(rotation=0.0)` लिखें, फिर 03 ऊपर से चलाएँ, और
# उसके बाद 04 और 05 (वे 03 का मॉडल इस्तेमाल करती हैं)। क्या उम्मीद करें (इस कोर्स
# में मापा नहीं गया): ट्रेनिंग सटीकता थोड़ी बढ़ती है, क्योंकि इमेज आसान हो गईं; 03
# में वैलिडेशन सटीकता ज़्यादा नहीं बदलती, क्योंकि फ़्रीज़ बेस के ऊपर के 1,281 वेट
# 2,000 इमेज को ज़्यादा रट नहीं सकते। ऑगमेंटेशन 04 में ज़्यादा मायने रखता है, जहाँ 18
# लाख वेट ट्रेन होते हैं: 06, जो इसके बिना ट्रेन करती है, दिखाती है कि ट्रेनिंग सटीकता
# कैसे बेक़ाबू बढ़ती है। बाद में वह लाइन पहले जैसी कर दें।
#
# ```python
# no_rotation = model_parts.make_augmentation(rotation=0.0)
# one = tf.expand_dims(first_image, 0)
# mirror = tf.image.flip_left_right(one)
# for _ in range(9):
#     drawn = no_rotation(one, training=True)
#     assert np.allclose(drawn, one, atol=1e-3) or np.allclose(drawn, mirror, atol=1e-3)
# print("nine draws, each the photo or its mirror image")
# ```
#
# </details>

# %% [markdown] translates="ff066e4c3c06"
# ### अभ्यास 2 (अंदाज़ा लगाएँ, फिर देखें): ज़ूम, और ऊपर-नीचे फ़्लिप?
# रोटेशन के बाद `tf.keras.layers.RandomZoom(0.1)` जोड़ें और नौ ऑगमेंट की हुई इमेज
# देखें। फिर सोचें: क्या पालतू जानवरों की फ़ोटो के लिए `RandomFlip("vertical")` का
# कोई मतलब है? किस तरह की इमेज के लिए होगा?
#
# <details><summary>संकेत</summary>
#
# ऑगमेंटेशन को ऐसी इमेज बनानी चाहिए जो वैलिडेशन और टेस्ट सेट में सचमुच आ *सकती*
# हों। ऊपर की फ़ोटो में से कितनी में कोई जानवर उल्टा दिखता है?
#
# </details>
#
# <details><summary>हल</summary>
#
# ज़ूम जानवर को थोड़ा बड़ा या छोटा करता है, किनारे काटता या भरता है: फ़ोटो फिर भी
# असली लगती हैं, इसलिए यह मदद कर सकता है। ऊपर-नीचे फ़्लिप उल्टे लटके पालतू जानवर
# बनाता है, जो इन फ़ोटो में लगभग कभी नहीं होते: नेटवर्क अपनी क्षमता ऐसी इमेज पर
# ख़र्च करेगा जिनके बारे में उससे कभी पूछा ही नहीं जाएगा। इसका मतलब वहाँ है जहाँ
# "ऊपर" कुछ नहीं होता: सैटेलाइट और हवाई इमेज, माइक्रोस्कोप की स्लाइड, ऊपर से खींची
# गई कपड़ों की फ़ोटो।
#
# ```python
# more_augmentation = tf.keras.Sequential([
#     tf.keras.layers.RandomFlip("horizontal"),
#     tf.keras.layers.RandomRotation(ROTATION),
#     tf.keras.layers.RandomZoom(0.1),
# ])
# plt.figure(figsize=(10, 10))
# for i in range(9):
#     augmented = more_augmentation(tf.expand_dims(first_image, 0), training=True)
#     assert augmented.shape == (1, *first_image.shape)
#     plt.subplot(3, 3, i + 1)
#     plt.imshow(np.clip(augmented[0] / 255, 0, 1))
#     plt.axis("off")
# plt.show()
# ```
#
# </details>

# %% [markdown] translates="cf7da307eccb"
# ### अभ्यास 3 (सोचें): दूसरा नेटवर्क, दूसरी रेंज
# हमारा मॉडल पिक्सेल को [-1, 1] में रीस्केल करता है, क्योंकि MobileNetV2 इसी तरह
# ट्रेन हुआ था। अगर आप उसकी जगह ResNet50 लगाएँ, तो उसका अपना
# `tf.keras.applications.resnet50.preprocess_input` इन्हीं इमेज के साथ क्या करेगा?
# और जब किसी नेटवर्क को ग़लत रेंज मिलती है तो क्या बिगड़ता है?
#
# <details><summary>संकेत</summary>
#
# इसे `image` (ऊपर वाला बैच) पर लगाएँ और हर चैनल का न्यूनतम, अधिकतम और औसत प्रिंट
# करें। ध्यान रहे: यह चैनलों का क्रम भी बदल सकता है।
#
# </details>
#
# <details><summary>हल</summary>
#
# ResNet50 "caffe" तरीक़े से ट्रेन हुआ था: उसका `preprocess_input` RGB को BGR में
# बदलता है और हर चैनल में से ImageNet का औसत घटाता है, बिना स्केल बदले, इसलिए मान
# [-1, 1] की जगह लगभग -124 से +152 तक फैले होते हैं। जिस नेटवर्क को ट्रेनिंग वाली
# रेंज के बजाय कोई और रेंज मिले, उसके फ़ीचर वह मतलब नहीं रखते जो ट्रेनिंग में रखते
# थे, और ऊपर के हेड को ख़राब इनपुट मिलता है; कोई एरर नहीं आता, बस सटीकता गिर जाती
# है। इसलिए: हर बेस मॉडल के साथ उसी का `preprocess_input` (या उसके बराबर की लेयर)।
#
# ```python
# resnet_input = tf.keras.applications.resnet50.preprocess_input(
#     tf.cast(image, tf.float32))
# print("min", float(tf.reduce_min(resnet_input)),
#       "max", float(tf.reduce_max(resnet_input)))
# print("mean per channel (B, G, R):",
#       tf.reduce_mean(resnet_input, axis=(0, 1, 2)).numpy().round(1))
# assert float(tf.reduce_max(resnet_input)) > 1  # not MobileNetV2's [-1, 1]
# ```
#
# </details>

# %% [markdown] translates="f72ef80beafc"
# ### अभ्यास 4 (विस्तार करें): अपना ऑगमेंटेशन
# ऑगमेंटेशन में कॉन्ट्रास्ट का रैंडम बदलाव जोड़ें,
# `tf.keras.layers.RandomContrast(0.3)`। वे दो बातें जाँचें जिन पर कोर्स टिका है:
# `training=True` होने पर यह इमेज बदलता है, और बाक़ी समय इमेज को बिल्कुल वैसा ही
# छोड़ता है। इसे 03 में कैसे इस्तेमाल करेंगे?
#
# <details><summary>संकेत</summary>
#
# दूसरी बात के लिए इस नोटबुक की जाँच दोबारा इस्तेमाल करें (`training=False` के साथ
# `np.array_equal`); पहली के लिए ट्रेनिंग मोड के कुछ ड्रॉ की तुलना असली इमेज से
# करें।
#
# </details>
#
# <details><summary>हल</summary>
#
# दोनों बातें सही हैं (कोड उन्हें जाँचता है): फ़्लिप और रोटेशन की तरह कॉन्ट्रास्ट
# वाली लेयर भी सिर्फ़ `fit` के अंदर काम करती है, इसलिए वैलिडेशन और प्रेडिक्शन असली
# इमेज देखते हैं। 03 में इस्तेमाल करने के लिए *मॉडल* वाले हिस्से के सेल में
# `model_parts.make_augmentation()` की जगह यह `Sequential` बनाएँ, और नाम
# `data_augmentation` ही रखें: 05 का एक्सपोर्ट ऑगमेंटेशन लेयर को इसी नाम से
# पहचानकर हटाता है। फिर 03 ऊपर से चलाएँ, और उसके बाद 04 और 05।
#
# ```python
# with_contrast = tf.keras.Sequential(
#     [tf.keras.layers.RandomFlip("horizontal"),
#      tf.keras.layers.RandomRotation(ROTATION),
#      tf.keras.layers.RandomContrast(0.3)],
#     name="data_augmentation",
# )
# one = tf.expand_dims(first_image, 0)
# assert np.array_equal(with_contrast(one, training=False).numpy(), one.numpy())
# changed = [not np.allclose(with_contrast(one, training=True), one) for _ in range(3)]
# assert any(changed)
# print("changes images while training, leaves them alone otherwise")
# ```
#
# </details>

# %% [markdown] translates="b72e69e571a7"
# अगली नोटबुक: [03_feature_extraction](03_feature_extraction.ipynb)।
