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

# %% [markdown] translates="719721f3c9e2"
# # 7. आपका अपना डेटा: दो से ज़्यादा क्लास

# %% [markdown]
# <table class="tfo-notebook-buttons" align="left">
#   <td><a target="_blank" href=
#   "https://colab.research.google.com/github/tl-course/transfer-learning-course/blob/v1.1.0/notebooks-hi/07_your_own_data.ipynb">
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
#   "https://github.com/tl-course/transfer-learning-course/blob/v1.1.0/notebooks-hi/07_your_own_data.ipynb">
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
#   "https://raw.githubusercontent.com/tl-course/transfer-learning-course/v1.1.0/notebooks-hi/07_your_own_data.ipynb">
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
# English: [07_your_own_data](../notebooks/07_your_own_data.ipynb)

# %% [markdown] translates="56b0b99e1c77"
# नोटबुक 03 और 04 का तरीक़ा हर उस फ़ोल्डर पर चलता है जिसमें फ़ोटो अपनी-अपनी क्लास
# (class) के अलग फ़ोल्डर में रखी हों (क्लास यानी श्रेणी): फ़्रीज़ (frozen) MobileNetV2
# पर एक नया हेड, फिर बेस के ऊपरी हिस्से की फ़ाइन-ट्यूनिंग (fine-tuning)। यह नोटबुक
# उसे **आपके** फ़ोल्डर पर चलाती है, चाहे उसमें कितनी भी क्लास हों (N >= 2), और
# बताती है कि बिल्ली बनाम कुत्ते से क्या बदलता है:
#
# 1. इमेज आपके बताए फ़ोल्डर से आती हैं, और उसकी N क्लास की जाँच होती है;
# 2. हेड हर क्लास का एक, यानी N लॉजिट (logit) देता है, और लॉस (loss) व सटीकता
#    (accuracy) उन्हीं को पढ़ते हैं;
# 3. छोटी-बड़ी क्लासों को *क्लास वेट* (class weights) मिलते हैं;
# 4. दूसरे बेस मॉडल के लिए दूसरा `FINE_TUNE_AT` चाहिए;
# 5. मेमोरी से बड़ा फ़ोल्डर फ़ाइलों से सीधे पढ़ा (स्ट्रीम किया) जाता है;
# 6. मूल्यांकन (evaluation) हर क्लास का अलग: कन्फ़्यूज़न मैट्रिक्स, प्रिसिज़न और
#    रीकॉल, Grad-CAM।
#
# यह नोटबुक अकेले चलती है: इसे नोटबुक 01-06 का सेव किया हुआ कुछ नहीं चाहिए, सिर्फ़
# उनका बनाया `helpers` पैकेज। सेव किए गए आउटपुट *कपड़ों के डेटासेट* (clothing
# dataset) से हैं: 10 क्लास में कपड़ों की 1,481 फ़ोटो, फ़ोन से खींची हुई (यह कहाँ
# मिलेगा: नीचे)।

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
import numpy as np
import tensorflow as tf

from helpers import (
    artifacts,
    assets,
    checks,
    compat,
    evaluation,
    model_parts,
    pipeline,
    plots,
    session,
    splits,
    stages,
    training,
)

# %% [markdown] translates="ff8ee631120e"
# ## पैरामीटर
# नोटबुक 01, 03 और 04 की सेटिंग एक सेल में, और कुछ नई: `DATA_DIR`, आपका फ़ोल्डर;
# `HEAD_LEARNING_RATE`, वह लर्निंग रेट (learning rate) जिससे हेड ट्रेन होता है (03 की
# दस गुना: क्यों, यह "हेड की ट्रेनिंग" में); `USE_CLASS_WEIGHTS`; और
# `MEMORY_FRACTION`, यानी अभी ख़ाली मेमोरी का कितना हिस्सा डिकोड की हुई इमेज ले सकती
# हैं, उससे ज़्यादा हो तो हम उन्हें कैश नहीं करते। `VALIDATION_FRACTION` तभी काम आता
# है जब आपके फ़ोल्डर में सिर्फ़ क्लास के फ़ोल्डर हों, `train/` और `validation/` नहीं;
# और `TEST_FRACTION` तभी, जब उसमें `test/` न हो। सेव किए गए आउटपुट ट्यूटोरियल वाले
# एपॉक (epoch) से चले: 10 + 10।

# %% tags=["parameters"]
DATA_DIR = None  # your folder: <class>/, or train/<class>/ and validation/<class>/
BATCH_SIZE = 32
IMG_SIZE = (160, 160)
VALIDATION_FRACTION = 0.2  # a folder of <class>/ only: share of each class held out
TEST_FRACTION = 0.2  # without a test/ folder: share of validation to test
SEED = 123
BASE_LEARNING_RATE = 0.0001  # fine-tuning trains at a tenth of it, as in 04
HEAD_LEARNING_RATE = 0.001  # training the head: 10x the tutorial's (see below)
INITIAL_EPOCHS = 10
FINE_TUNE_EPOCHS = 10
FINE_TUNE_AT = 100
DROPOUT = 0.2
USE_CLASS_WEIGHTS = True
MEMORY_FRACTION = 0.25  # cache decoded images only below this share of free memory
WEIGHTS = "imagenet"  # or the path of a local .h5 copy

# %% jupyter={"source_hidden": true} tags=["course", "switches"]
# Course switches (the tutorial has none; docs/course-cells.md explains each). An
# environment variable TL_<NAME> (TL_ARTIFACTS_DIR, TL_OWN_DATA_DIR for DATA_DIR,
# TL_WEIGHTS) wins over a value here.
ARTIFACTS_DIR = "../artifacts"  # where each notebook saves what the next one loads
VERBOSE = 1  # fit's progress: 1 a bar per epoch, 2 a line per epoch
BACKUP = True  # save after each epoch, so that re-running fit resumes
SHOW_PROGRESS = True  # progress bars for downloads and checks

# %% jupyter={"source_hidden": true} tags=["course"]
session.setup_notebook()  # the course's own errors as one readable line
ARTIFACTS_DIR = artifacts.get_artifacts_dir(ARTIFACTS_DIR)
print(session.describe_runtime("07"))

# %% [markdown] translates="eb91c6803aa1"
# रैंडम सीड (random seed) तय हैं (नई लेयरों के शुरुआती वेट, ऑगमेंटेशन, ड्रॉपआउट और
# शफ़ल के लिए), ताकि उसी मशीन और उन्हीं वर्ज़न पर दोबारा चलाने से वही संख्याएँ
# मिलें।

# %%
tf.keras.utils.set_random_seed(SEED)

# %% [markdown] translates="e34d642c5447"
# ## आपका फ़ोल्डर
# हर क्लास की फ़ोटो का एक उप-फ़ोल्डर; फ़ोल्डरों के नाम ही क्लास के नाम बनते हैं। बस
# इतना चाहिए:
#
# ```
# my_photos/
#     hats/  pants/  shoes/  ...
# ```
#
# फिर यह नोटबुक फ़ोटो को फ़ाइलों के स्तर पर, एक बार, `SEED` से बाँटती है (नीचे, जैसे
# 01 अपना टेस्ट सेट अलग करती है)। अगर आपने उन्हें पहले से ट्यूटोरियल वाले ढाँचे में
# रखा है, तो वह जैसा है वैसा ही इस्तेमाल होता है:
#
# ```
# my_photos/
#     train/        hats/  pants/  shoes/  ...   (the images to learn from)
#     validation/   hats/  pants/  shoes/  ...   (the same class folders)
#     test/         hats/  pants/  shoes/  ...   (optional)
# ```
#
# फिर `parameters` सेल में `DATA_DIR = "path/to/my_photos"` रखें (सापेक्ष पाथ इस
# नोटबुक के फ़ोल्डर से शुरू होता है), या JupyterLab शुरू करने से पहले एनवायरनमेंट
# वेरिएबल `TL_OWN_DATA_DIR` सेट करें। वेरिएबल की बात चलती है, जैसे 01 में
# `TL_DATA_DIR` की। Colab पर फ़ोल्डर का zip Files पैनल में अपलोड करके खोलें
# (`!unzip my_photos.zip`), या वहाँ Google Drive जोड़ें (mount करें) और
# `DATA_DIR = "/content/drive/MyDrive/my_photos"` रखें।
#
# **अभी कोई फ़ोल्डर नहीं? कपड़ों का डेटासेट।** Alexey Grigorev और साथियों का
# "Clothing dataset (small)" ([github.com/alexeygrigorev/clothing-dataset-small](
# https://github.com/alexeygrigorev/clothing-dataset-small), CC0 1.0: पब्लिक डोमेन,
# इसके लेखकों का धन्यवाद) 10 क्लास में कपड़ों की फ़ोन से खींची फ़ोटो रखता है, पहले से
# ट्यूटोरियल वाले ढाँचे में: `git clone --depth 1
# https://github.com/alexeygrigorev/clothing-dataset-small` चलाएँ और `DATA_DIR` को उस
# फ़ोल्डर पर सेट करें जो यह बनाता है। यहाँ सेव किए गए आउटपुट उसकी एक छोटी कॉपी से
# हैं: हर क्लास की ज़्यादा-से-ज़्यादा 150 फ़ोटो, ट्रेनिंग के लिए 1,185 और वैलिडेशन के
# लिए 296, बिना `test/` फ़ोल्डर के। `scripts/subsample_clothing.py` कमिट 1196151 के
# क्लोन से ठीक यही कॉपी दोबारा बनाती है (देखें `docs/instructor.md`); पूरे क्लोन (3,781
# फ़ोटो, अपने `test/` फ़ोल्डर के साथ) से दूसरे नतीजे आते हैं और ट्रेनिंग लगभग 2.6 गुना
# ज़्यादा समय लेती है। दोनों में से कुछ भी सेट न हो, तो अगला सेल रुककर यही सब बताता है।

# %%
OWN_DIR = ARTIFACTS_DIR / "own_data"  # this notebook's check cache, converted copies
data_dir = checks.find_own_data_dir(DATA_DIR)
print("dataset folder:", data_dir.name)
print(sorted(p.name for p in data_dir.iterdir() if p.is_dir()))

# %% [markdown] translates="6379acb33169"
# ## हर इमेज की जाँच, N क्लास
# 01 वाली जाँच, तीन बदलावों के साथ: `max_classes=None` कितनी भी क्लास मान लेता है
# (नोटबुक 01-06 दो पर रुक जाती हैं: उनके हेड में एक ही लॉजिट है), `with_test=True`
# `test/` फ़ोल्डर भी जाँचता है, अगर वह हो, और `flat_ok=True` सिर्फ़ क्लास के
# फ़ोल्डरों वाला फ़ोल्डर भी मान लेता है (उसके इकलौते हिस्से का नाम `all` है)। क्लास के नाम फ़ोल्डरों
# के नाम हैं, वर्णक्रम में, और लेबल उनका क्रमांक, ठीक वैसे जैसे
# `image_dataset_from_directory` देता है।

# %%
report = checks.check_dataset(data_dir, work_dir=OWN_DIR, progress=SHOW_PROGRESS,
                              max_classes=None, with_test=True, flat_ok=True)
class_names = report.class_names
NUM_CLASSES = len(class_names)
print(report.summary())
print(f"{NUM_CLASSES} classes: {', '.join(class_names)}")
assert NUM_CLASSES >= 2

# %% [markdown] translates="fd645c018bed"
# हर स्प्लिट में हर क्लास की कितनी इमेज हैं: नए डेटासेट पर सबसे पहले यही देखें।
# बार छोटे-बड़े हों तो क्लास वेट चाहिए (नीचे)।

# %%
counts = {split: np.bincount(files.labels, minlength=NUM_CLASSES)
          for split, files in report.splits.items()}
positions = np.arange(NUM_CLASSES)
width = 0.8 / len(counts)
fig, ax = plt.subplots(figsize=(max(6, 0.8 * NUM_CLASSES), 3.5))
for i, (split, n) in enumerate(counts.items()):
    ax.bar(positions + i * width, n, width, label=split)
ax.set_xticks(positions + width * (len(counts) - 1) / 2, class_names, rotation=45,
              ha="right")
ax.set_ylabel("images")
ax.set_title("Images per class")
ax.legend(loc="upper left", bbox_to_anchor=(1, 1))
fig.tight_layout()
plt.show()

# %% [markdown] translates="e55b8939e086"
# ## बँटवारा
# सिर्फ़ क्लास के फ़ोल्डरों वाला फ़ोल्डर (हिस्सा `all`) फ़ाइलों के स्तर पर, एक-एक
# क्लास करके बाँटा जाता है (`splits.split_class_files`: `SEED` से एक बार शफ़ल, फिर
# काटना): हर क्लास का `VALIDATION_FRACTION` हिस्सा अलग रखा जाता है, और उसका
# `TEST_FRACTION` हिस्सा टेस्ट सेट बनता है, ताकि हर हिस्से में हर क्लास का अनुपात
# बना रहे। ट्यूटोरियल वाले ढाँचे में, आपके डेटासेट में `test/` फ़ोल्डर हो, तो वही
# टेस्ट सेट है। न हो, तो 01 की तरह `validation/` से फ़ाइलों के स्तर पर एक टेस्ट सेट
# अलग किया जाता है (`splits.carve_test_files`): यह कट हर क्लास का हिस्सा ठीक-ठीक
# बराबर नहीं रखता, और जहाँ हर क्लास की इमेज कम हों, वहाँ किसी क्लास को टेस्ट की बहुत
# कम इमेज मिल सकती हैं (नीचे का `support` कॉलम बताता है कितनी)। दोनों तरह से, तीनों
# हिस्सों की इमेज कभी साझा नहीं होतीं, और हर रन में वही रहती हैं।

# %%
if checks.ALL_SPLIT in report.splits:  # my_photos/<class>/
    train_files, validation_files, test_files = splits.split_class_files(
        report.splits[checks.ALL_SPLIT], VALIDATION_FRACTION, TEST_FRACTION, SEED)
    settings = {"validation_fraction": VALIDATION_FRACTION,
                "test_fraction": TEST_FRACTION, "seed": SEED}
elif "test" in report.splits:
    train_files = report.splits["train"]
    validation_files, test_files = report.splits["validation"], report.splits["test"]
    settings = {"test": "the folder's test/"}
else:
    train_files = report.splits["train"]
    validation_files, test_files = splits.carve_test_files(
        report.splits["validation"], TEST_FRACTION, SEED)
    settings = {"test_fraction": TEST_FRACTION, "seed": SEED}
split = splits.Split(train_files, validation_files, test_files, IMG_SIZE, settings,
                     str(data_dir))
assert set(split.validation.paths).isdisjoint(split.test.paths)
print("split:", settings)
print({part: len(getattr(split, part)) for part in splits.PARTS})

# %% [markdown] translates="9e388b23fb62"
# ## फ़ाइलें हर बार पढ़ें, या कैश करें?
# 01 की पाइपलाइन हर एपॉक में हर इमेज फ़ाइल फिर से पढ़ती और डिकोड करती है; मेमोरी में
# एक समय पर कुछ ही बैच रहते हैं (`prefetch` अगले बैच तब तैयार करता है जब मॉडल काम कर
# रहा हो)। इसलिए किसी भी साइज़ का फ़ोल्डर ट्रेन हो जाता है, डिस्क से पढ़ते-पढ़ते।
# `cache()` पहले एपॉक के बाद डिकोड की हुई इमेज मेमोरी में रख लेता, और बाद के एपॉक
# पढ़ना और डिकोड करना छोड़ देते: ज़्यादा तेज़, **अगर इमेज मेमोरी में समा जाएँ**।
# 160x160 की 50,000 फ़ोटो 50,000 x 160 x 160 x 3 रंग x 4 बाइट (float32) = 15 GB
# लेती हैं: ज़्यादातर लैपटॉप की मेमोरी से ज़्यादा।
#
# इसलिए पहले अंदाज़ा लगाएँ: डिकोड किया हुआ साइज़ = इमेज x ऊँचाई x चौड़ाई x 3 x 4
# बाइट, उन इमेज के लिए जो हर एपॉक पढ़ी जाती हैं (ट्रेनिंग और वैलिडेशन), और कैश तभी
# करें जब यह अभी उपलब्ध मेमोरी के `MEMORY_FRACTION` हिस्से से कम हो (बाक़ी मेमोरी
# ट्रेनिंग को चाहिए)। `pipeline.make_dataset(cache=True)` इमेज को 8-बिट पूर्णांकों में
# रखता है, यानी अंदाज़े का एक-चौथाई: यह सुरक्षा की गुंजाइश है।

# %%
n_images = len(split.train) + len(split.validation)
decoded_bytes = n_images * IMG_SIZE[0] * IMG_SIZE[1] * 3 * 4
assert decoded_bytes == pipeline.estimate_decoded_bytes(n_images, IMG_SIZE)
available = pipeline.read_available_memory()
CACHE, reason = pipeline.decide_cache(decoded_bytes, available, MEMORY_FRACTION)
print(f"{n_images} images read every epoch: {reason}")

# %% [markdown] translates="0a0e40ff00d6"
# डेटासेट, कैश के साथ या उसके बिना; टेस्ट सेट एक ही बार पढ़ा जाता है, कभी कैश नहीं
# होता। (मेमोरी की जगह डिस्क पर कैश करना हो, तो `tf.data` फ़ाइल का नाम लेता है:
# `dataset.cache("/path/to/file")`।)

# %%
AUTOTUNE = tf.data.AUTOTUNE
train_dataset = pipeline.make_dataset(
    split.train, IMG_SIZE, BATCH_SIZE, shuffle=True, seed=SEED, cache=CACHE
).prefetch(AUTOTUNE)
validation_dataset = pipeline.make_dataset(
    split.validation, IMG_SIZE, BATCH_SIZE, cache=CACHE
).prefetch(AUTOTUNE)
test_dataset = pipeline.make_dataset(split.test, IMG_SIZE, BATCH_SIZE).prefetch(
    AUTOTUNE)

# %% [markdown] translates="873d3de7dd55"
# ## क्लास वेट
# जब एक क्लास की इमेज दूसरी से बहुत ज़्यादा हों, तो लॉस में उसी का दबदबा रहता है:
# मॉडल छोटी क्लास को कभी-कभार ही प्रेडिक्ट करके भी अच्छे अंक बटोर लेता
# है। *क्लास वेट* संतुलन लौटाते हैं: क्लास c की हर ट्रेनिंग इमेज लॉस में
# `n_samples / (n_classes * count_c)` बार गिनी जाती है। तब हर क्लास का कुल वेट
# बराबर होता है (गिनती x वेट = n_samples / n_classes); जिस क्लास में औसत की आधी
# इमेज हों, उसका वेट 2 होता है। (scikit-learn इसे "balanced" कहता है।)

# %%
train_counts = np.bincount(split.train.labels, minlength=NUM_CLASSES)
n_samples = len(split.train)
class_weight = {i: n_samples / (NUM_CLASSES * int(count))
                for i, count in enumerate(train_counts)}
for i, name in enumerate(class_names):
    print(f"{name:<14}{train_counts[i]:>6} images   weight {class_weight[i]:.3f}")
assert class_weight == training.compute_class_weights(split.train.labels,
                                                      NUM_CLASSES)

# %% [markdown] translates="4a5cb247f77a"
# `fit(class_weight=...)` इन्हें सिर्फ़ लॉस पर लगाता है: ट्रेनिंग लॉस वेट वाला
# है और वैलिडेशन लॉस नहीं, इसलिए दोनों की सीधी तुलना नहीं हो सकती, और सटीकता हर
# इमेज को एक ही बार गिनती है। `training.compute_class_weights` ऊपर वाली dict ही है,
# आपकी अपनी स्क्रिप्ट के लिए। कपड़ों का डेटासेट लगभग संतुलित है, इसलिए यहाँ वेट कम ही
# बदलते हैं; जिस फ़ोल्डर में एक क्लास की 500 और दूसरी की 50 फ़ोटो हों, वहाँ इनका असर
# दिखता है (अभ्यास 2)।

# %%
fit_class_weight = class_weight if USE_CLASS_WEIGHTS else None
print("class weights:", "on" if fit_class_weight else "off")

# %% [markdown] translates="5a6e66ac1579"
# ## बेस मॉडल, फ़्रीज़
# 03 की तरह: ImageNet के क्लासिफ़ायर के बिना MobileNetV2, ImageNet के वेट के साथ
# (`prepare_weights` उन्हें ढूँढता है: 03 देखें), फ़्रीज़।

# %%
WEIGHTS = assets.prepare_weights(WEIGHTS, progress=SHOW_PROGRESS)
print("weights:", os.path.basename(WEIGHTS))
IMG_SHAPE = IMG_SIZE + (3,)
base_model = tf.keras.applications.MobileNetV2(
    input_shape=IMG_SHAPE, include_top=False, weights=WEIGHTS
)
base_model.trainable = False
assert not base_model.trainable_variables

# %% [markdown] translates="23a9bdc86462"
# ## हर क्लास का एक लॉजिट देने वाला हेड
# बिल्ली बनाम कुत्ते में हर इमेज के लिए एक संख्या काफ़ी थी: एक लॉजिट, कुत्ते के लिए
# धनात्मक। लॉस (`BinaryCrossentropy(from_logits=True)`) सिग्मॉइड से उसे प्रायिकता में
# बदलता है, और सटीकता लॉजिट पर 0 का थ्रेशोल्ड लगाती है।
#
# N क्लास के लिए हेड `Dense(N)` है: **हर क्लास का एक लॉजिट**। *सॉफ़्टमैक्स*
# (softmax) N लॉजिट को N प्रायिकताओं में बदलता है जिनका जोड़ 1 होता है, और लॉस सही
# क्लास की प्रायिकता की क्रॉस-एंट्रॉपी है:
# `SparseCategoricalCrossentropy(from_logits=True)` ("sparse": लेबल 0 से N-1 तक के
# क्लास-क्रमांक हैं, जैसे हमारी पाइपलाइन देती है, one-hot वेक्टर नहीं)। प्रेडिक्ट की
# गई क्लास वह है जिसका लॉजिट सबसे बड़ा है, और उसी की प्रायिकता भी सबसे बड़ी होती है:
# `SparseCategoricalAccuracy` यही गिनता है। कोई थ्रेशोल्ड चुनना नहीं पड़ता। (दो क्लास
# के लिए दोनों हेड चलते हैं; सॉफ़्टमैक्स वाला `Dense(2)` वही सीखता है जो सिग्मॉइड वाला
# `Dense(1)`, दुगने वेट के साथ।)

# %%
image_batch, label_batch = next(iter(train_dataset))
feature_batch = base_model(image_batch)
global_average_layer = tf.keras.layers.GlobalAveragePooling2D()
prediction_layer = tf.keras.layers.Dense(NUM_CLASSES)
prediction_batch = prediction_layer(global_average_layer(feature_batch))
print(feature_batch.shape, "->", prediction_batch.shape)
assert prediction_batch.shape == (len(image_batch), NUM_CLASSES)

# %% [markdown] translates="9c36dc4b03f9"
# बिना ट्रेन हुए हेड से पहली इमेज के लॉजिट का सॉफ़्टमैक्स: N प्रायिकताएँ जिनका जोड़ 1
# है, और सबसे बड़ी वहाँ जहाँ लॉजिट सबसे बड़ा है।

# %%
probabilities = tf.nn.softmax(prediction_batch).numpy()
np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)
print("logits:       ", np.round(prediction_batch[0].numpy(), 2))
print("probabilities:", np.round(probabilities[0], 3))

# %% [markdown] translates="174b4bdf2a34"
# ## मॉडल
# 03 का मॉडल, लेयर-दर-लेयर: ऑगमेंटेशन, रीस्केलिंग, `training=False` के साथ फ़्रीज़
# बेस (BatchNormalization इन्फ़रेंस मोड में), पूलिंग, ड्रॉपआउट, और N लॉजिट वाला हेड।

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

# %% [markdown] translates="61dcae9e2957"
# ## N लॉजिट के लिए कंपाइल
# 03 का ऑप्टिमाइज़र, Adam, `HEAD_LEARNING_RATE` पर, N क्लास वाले लॉस और सटीकता के
# साथ। (`model_parts.compile_for_logits` N लॉजिट के लिए यही चुनता है, और 03 के एक
# लॉजिट के लिए वे जो 03 में थे।)

# %%
model.compile(
    optimizer=tf.keras.optimizers.Adam(learning_rate=HEAD_LEARNING_RATE),
    loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=[tf.keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
)

# %% [markdown] translates="5753f2dc8769"
# सिर्फ़ हेड ट्रेन होता है: 1280 x N का एक कर्नेल और N बायस, यानी दो वेरिएबल।

# %% tags=["nbval-check-output"]
print("trainable variables:", len(model.trainable_variables))
assert len(model.trainable_variables) == 2
assert model_parts.count_params(model.trainable_variables) == 1281 * NUM_CLASSES

# %% [markdown] translates="65f54ab25d10"
# ## ट्रेनिंग से पहले
# रैंडम हेड वाला मॉडल सिर्फ़ अंदाज़ा लगाता है: लगभग 1/N सटीकता।

# %%
loss0, accuracy0 = model.evaluate(validation_dataset, verbose=0)
print(f"initial loss: {loss0:.2f} (a guess among {NUM_CLASSES} classes: "
      f"ln {NUM_CLASSES} = {np.log(NUM_CLASSES):.2f})")
print(f"initial accuracy: {accuracy0:.2f} (1/{NUM_CLASSES} = {1 / NUM_CLASSES:.2f})")

# %% [markdown] translates="c7b6279ef62e"
# ## हेड की ट्रेनिंग
# ट्यूटोरियल का `fit`, क्लास वेट के साथ, 03 से दस गुना लर्निंग रेट पर। 03 की 0.0001
# पर कपड़ों के डेटासेट पर यह हेड 10 एपॉक के बाद भी अधूरा था: वैलिडेशन सटीकता 0.47,
# और हर एपॉक में 2 से 6 प्रतिशत अंक अब भी बढ़ती हुई; फ़ाइन-ट्यूनिंग के बाद 0.70 (इसी
# नोटबुक से मापा गया: `results/07_your_own_data.json`)। हर क्लास की लगभग 120 फ़ोटो से,
# एक एपॉक के 38 स्टेप में सीखे जाने वाले दस लॉजिट को बड़े स्टेप चाहिए, बिल्ली बनाम
# कुत्ते के उस एक लॉजिट से ज़्यादा जो हर क्लास की 1,000 फ़ोटो से सीखा गया था। 0.001 पर
# वैलिडेशन सटीकता 10 एपॉक के अंदर ठहर जाती है (नीचे के कर्व)।

# %% tags=["course"]
run = training.ResumableRun(  # backups and the epoch log, as in 03
    ARTIFACTS_DIR, "own_data_feature_extraction", model, split.id,
    epochs=INITIAL_EPOCHS, verbose=VERBOSE, backup=BACKUP, batch_size=BATCH_SIZE,
    seed=SEED, class_weight=fit_class_weight,
)
print(run.message)

# %% [markdown] translates="69ef50579832"
# ट्यूटोरियल का `fit`, क्लास वेट के साथ, और `callbacks=run.callbacks`:

# %%
history = model.fit(
    train_dataset,
    epochs=INITIAL_EPOCHS,
    validation_data=validation_dataset,
    class_weight=fit_class_weight,
    callbacks=run.callbacks,
)
hist = run.history()
fe_seconds = run.seconds()
fe_accuracy = hist["val_accuracy"][-1]
print(f"validation accuracy after feature extraction: {fe_accuracy:.4f} "
      f"({fe_seconds:.0f} s)")

# %% [markdown] translates="563bd5b4c573"
# ## फ़ाइन-ट्यूनिंग: कहाँ से काटें
# 04 MobileNetV2 को लेयर `FINE_TUNE_AT = 100` से अनफ़्रीज़ करती है, ट्यूटोरियल वाली
# संख्या। दूसरे बेस में लेयरों की संख्या दूसरी है, इसलिए कट भी दूसरा चाहिए। अच्छा कट
# वहाँ है जहाँ कोई *ब्लॉक* शुरू होता है (कुछ लेयर, जिनके चारों ओर से एक छोटा रास्ता
# जाता है: रेज़िडुअल ब्लॉक), नेटवर्क के आख़िरी एक-दो चरणों में, जिनके फ़ीचर ImageNet
# के लिए सबसे ज़्यादा ख़ास हैं। हम हर बेस में ऐसे ब्लॉक की पहली लेयर नाम से ढूँढते
# हैं, बेस को `weights=None` से बनाकर (रैंडम वेट, कोई डाउनलोड नहीं: सिर्फ़ लेयर गिननी
# हैं)।

# %%
candidates = {  # base: (constructor, name of the first layer of the cut's block)
    "MobileNetV2": (tf.keras.applications.MobileNetV2, "block_11_expand"),
    "EfficientNetB0": (tf.keras.applications.EfficientNetB0, "block6a_"),
    "ResNet50": (tf.keras.applications.ResNet50, "conv5_block1_"),
}
print(f"{'base':<16}{'layers':>7}  {'block starts':<16}{'at layer':>9}"
      f"{'layers above':>14}")
for name, (make_base, block) in candidates.items():
    candidate = make_base(input_shape=IMG_SHAPE, include_top=False, weights=None)
    at = model_parts.find_block_start(candidate, block)
    n_layers = len(candidate.layers)
    print(f"{name:<16}{n_layers:>7}  {block:<16}{at:>9}{n_layers - at:>14}")
del candidate

# %% [markdown] translates="0f68c97e2464"
# इसे कैसे पढ़ें:
#
# - **MobileNetV2**, 154 लेयर: ट्यूटोरियल का 100 ब्लॉक 11 में दो लेयर अंदर पड़ता है,
#   जो 98 से शुरू होता है (100 पर उसका पहला कन्वोल्यूशन और उस कन्वोल्यूशन की
#   BatchNormalization फ़्रीज़ रहते हैं)। दोनों कट ब्लॉक 11 से 16 ट्रेन करते हैं,
#   यानी उसके 17 ब्लॉक (0 से 16) में से आख़िरी छह, और आख़िरी कन्वोल्यूशन।
# - **EfficientNetB0**, 237 लेयर: `FINE_TUNE_AT = 162`, ब्लॉक 6a की शुरुआत, उसके
#   आख़िरी दो चरण (ब्लॉक 6 और 7) और आख़िरी कन्वोल्यूशन ट्रेन करता है।
# - **ResNet50**, 175 लेयर: `FINE_TUNE_AT = 143`, `conv5` की शुरुआत, उसका आख़िरी
#   चरण ट्रेन करता है (तीन रेज़िडुअल ब्लॉक, उसके 2.36 करोड़ में से लगभग 1.5 करोड़
#   वेट)।
#
# हर बेस इनपुट की अपनी रेंज भी चाहता है: EfficientNet मॉडल के अंदर ख़ुद रीस्केल करता
# है (वह [0, 255] के पिक्सेल लेता है: हमारा `Rescaling` हटा दें), और ResNet50 [-1, 1]
# की जगह `tf.keras.applications.resnet50.preprocess_input` चाहता है।

# %% [markdown] translates="6bf7ed351e23"
# ## ऊपरी हिस्सा अनफ़्रीज़ करना
# 04 वाले क़दम: बेस अनफ़्रीज़ करें, `FINE_TUNE_AT` से नीचे की हर लेयर फिर से फ़्रीज़
# करें, और BatchNormalization को इन्फ़रेंस मोड में रखें (Keras 3: 04 देखें;
# `compat.freeze_batch_norm` 04 वाला लूप ही है)।

# %% tags=["nbval-check-output"]
base_model.trainable = True
print("Number of layers in the base model:", len(base_model.layers))
for layer in base_model.layers[:FINE_TUNE_AT]:
    layer.trainable = False
compat.freeze_batch_norm(base_model)
print("trainable variables:", len(model.trainable_variables))
if FINE_TUNE_AT == 100:  # the tutorial's setting: 18 kernels and the head
    assert len(model.trainable_variables) == 20

# %% [markdown] translates="40dbb002429a"
# 04 की तरह लर्निंग रेट के दसवें हिस्से से दोबारा कंपाइल; लॉस और सटीकता N क्लास
# वाले हैं।

# %%
model.compile(
    loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    optimizer=tf.keras.optimizers.RMSprop(learning_rate=BASE_LEARNING_RATE / 10),
    metrics=[tf.keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
)

# %% [markdown] translates="8ae8991277d0"
# ## ट्रेनिंग जारी रखना
# एपॉक वहीं से आगे गिने जाते हैं जहाँ फ़ीचर एक्सट्रैक्शन रुका था (`initial_epoch`
# अब तक चले एपॉक की संख्या है, 04 देखें), उन्हीं क्लास वेट के साथ।

# %% tags=["course"]
total_epochs = INITIAL_EPOCHS + FINE_TUNE_EPOCHS
run_fine = training.ResumableRun(
    ARTIFACTS_DIR, "own_data_fine_tuning", model, split.id, epochs=total_epochs,
    initial_epoch=len(hist["epoch"]), verbose=VERBOSE, backup=BACKUP,
    batch_size=BATCH_SIZE, seed=SEED, started_from=hist,
)
print(run_fine.message)

# %% [markdown] translates="2a5a09474202"
# 04 का `fit`, क्लास वेट के साथ:

# %%
history_fine = model.fit(
    train_dataset,
    epochs=total_epochs,
    initial_epoch=len(hist["epoch"]),
    validation_data=validation_dataset,
    class_weight=fit_class_weight,
    callbacks=run_fine.callbacks,
)
hist_fine = run_fine.history()
ft_seconds = run_fine.seconds()
assert hist_fine["epoch"] == list(range(INITIAL_EPOCHS, total_epochs))
ft_accuracy = hist_fine["val_accuracy"][-1]

# %% [markdown] translates="d8a70dad3d36"
# ## लर्निंग कर्व, दोनों चरण
# 04 वाला प्लॉट। (ट्रेनिंग लॉस क्लास वेट से तौला गया है, वैलिडेशन लॉस नहीं।) प्लॉट का
# टेक्स्ट अंग्रेज़ी में है, 03 की तरह; x-अक्ष एपॉक को 0 से गिनता है, इसलिए प्लॉट का 10
# एपॉक 11 है, फ़ाइन-ट्यूनिंग का पहला एपॉक; `Start Fine Tuning` (फ़ाइन-ट्यूनिंग की
# शुरुआत) वाली लाइन उससे ठीक पहले, 9.5 पर है।

# %%
combined = training.merge_histories(hist, hist_fine)
fig = plots.plot_history(combined, fine_tune_epoch=INITIAL_EPOCHS)
plt.show()
print(f"validation accuracy before training: {accuracy0:.4f}")
print(f"validation accuracy after feature extraction: {fe_accuracy:.4f}")
print(f"validation accuracy after fine-tuning: {ft_accuracy:.4f}")

# %% [markdown] translates="3d22746c0cb3"
# **कपड़ों के डेटासेट पर इन्हें पढ़ना।** चौथे एपॉक से हेड की वैलिडेशन सटीकता 0.67 और
# 0.72 के बीच ठहर जाती है। फ़ाइन-ट्यूनिंग 6 प्रतिशत अंक जोड़ती है (0.7026 से 0.7672),
# जबकि ट्रेनिंग सटीकता 0.84 तक चढ़ती है: यह अंतर ओवरफ़िटिंग की शुरुआत है, जैसे 06
# में।
#
# फ़ाइन-ट्यूनिंग 04 वाली रेट पर चली, यानी `BASE_LEARNING_RATE` के दसवें हिस्से पर,
# `HEAD_LEARNING_RATE` के दसवें हिस्से पर नहीं (जो ट्यूटोरियल का अनुपात होता)। हमने
# वह भी आज़माया: 0.0001 पर वैलिडेशन सटीकता फ़ाइन-ट्यूनिंग के पहले एपॉक में 0.40 और
# सातवें में 0.42 तक गिरी, फिर आख़िर में 0.81 पर पहुँची (मापा गया:
# `results/07_your_own_data.json`)। अंत ऊँचा, पर स्टेप इतने बड़े कि प्री-ट्रेन्ड वेट
# हिल जाएँ: ग़लत एपॉक पर रुकते, तो नतीजा बिना फ़ाइन-ट्यूनिंग से भी ख़राब होता। स्थिर
# रेट सुरक्षित डिफ़ॉल्ट है।

# %% [markdown] translates="d39aa29f7588"
# ## टेस्ट सटीकता
# टेस्ट इमेज पर, जो न ट्रेनिंग में इस्तेमाल हुईं, न कुछ चुनने में।

# %%
test_loss, test_accuracy = model.evaluate(test_dataset, verbose=0)
n_test = len(split.test)
standard_error = (test_accuracy * (1 - test_accuracy) / n_test) ** 0.5
print(f"Test loss: {test_loss:.4f}")
print(f"Test accuracy: {test_accuracy:.4f} +/- {standard_error:.4f} "
      f"(one standard error, {n_test} images)")

# %% [markdown] translates="c3c8f943574e"
# यहाँ यह वैलिडेशन सटीकता से 9.2 प्रतिशत अंक ऊपर है (0.8594, वैलिडेशन पर 0.7672): 64
# टेस्ट इमेज में एक इमेज 1.6 प्रतिशत अंक है और एक मानक त्रुटि (standard error) 4.35
# प्रतिशत अंक (ऊपर छपा 0.0435), इसलिए अंतर लगभग दो मानक त्रुटि का है (05 मानक त्रुटि
# समझाती है)। अकेले टेस्ट सेट के संयोग से आम तौर पर इतना अंतर नहीं आता, हालाँकि वैलिडेशन
# सटीकता में भी अपना संयोग है। कोर्स ने सेटिंग जिस तरह चुनीं, उसका झुकाव भी टेस्ट सेट की
# ओर नहीं: हेड की और फ़ाइन-ट्यूनिंग की लर्निंग रेट वैलिडेशन सेट पर चुनी गईं, जिससे अगर
# कुछ होता है तो वैलिडेशन सटीकता ही ज़्यादा अच्छी दिखती है। इसलिए दोनों एक मानक त्रुटि
# के अंदर मेल नहीं खाते, और 64 इमेज से यह नहीं कहा जा सकता कि टेस्ट इमेज आसान हैं या
# अंतर संयोग है। बड़ा टेस्ट सेट, यानी आपका अपना `test/` फ़ोल्डर, यह सीमा छोटी करता है।

# %% [markdown] translates="b63582d3bad1"
# ## हर क्लास: कन्फ़्यूज़न मैट्रिक्स, प्रिसिज़न और रीकॉल
# मॉडल का प्रेडिक्शन सबसे बड़े लॉजिट वाली क्लास है। कन्फ़्यूज़न मैट्रिक्स हर असली
# क्लास (पंक्ति) के लिए गिनता है कि कौन-सी क्लास कितनी बार प्रेडिक्ट हुई (कॉलम);
# विकर्ण पर सही जवाब होते हैं। किसी क्लास का *प्रिसिज़न*: जिन इमेज को उस क्लास का
# कहा गया, उनमें से कितनी सचमुच उसकी हैं। *रीकॉल*: उस क्लास की इमेज में से कितनी
# पहचानी गईं। एक छोटा हेल्पर N क्लास के लिए काफ़ी बड़ा मैट्रिक्स बनाता है।


# %%
def show_confusion_matrix(matrix, title):
    fig = plots.plot_confusion_matrix(matrix, class_names, title)
    fig.set_size_inches(max(4.5, 0.6 * NUM_CLASSES + 1.5),
                        max(4.0, 0.6 * NUM_CLASSES + 1.0))
    plt.setp(fig.axes[0].get_xticklabels(), rotation=45, ha="right")
    fig.tight_layout()
    plt.show()


labels, logits, images = evaluation.predict_logits(model, test_dataset)
predicted = logits.argmax(axis=1)
matrix = evaluation.confusion_matrix(labels, predicted, NUM_CLASSES)
assert logits.shape == (n_test, NUM_CLASSES) and matrix.sum() == n_test
assert np.isclose(np.trace(matrix) / n_test, test_accuracy)
show_confusion_matrix(matrix, "Test set")
test_metrics = evaluation.per_class_metrics(matrix, class_names)
print(evaluation.format_metrics(test_metrics))

# %% [markdown] translates="6099e1ce2fa2"
# जहाँ हर क्लास की टेस्ट इमेज कम हों, वहाँ एक इमेज किसी क्लास का रीकॉल बहुत हिला देती
# है। पूरा वैलिडेशन फ़ोल्डर (वैलिडेशन और टेस्ट मिलाकर) हर क्लास की ज़्यादा इमेज देता
# है; उसका वैलिडेशन वाला हिस्सा ट्रेनिंग के दौरान देखा गया था, इसलिए नतीजा थोड़ा
# आशावादी है, पर यह दिखाता है कि मॉडल किन क्लासों को आपस में मिलाता है। (प्लॉट का
# शीर्षक `Whole validation folder` = पूरा वैलिडेशन फ़ोल्डर।)

# %%
val_labels, val_logits, val_images = evaluation.predict_logits(
    model, validation_dataset)
val_predicted = val_logits.argmax(axis=1)
all_labels = np.concatenate([labels, val_labels])
all_predicted = np.concatenate([predicted, val_predicted])
full_matrix = evaluation.confusion_matrix(all_labels, all_predicted, NUM_CLASSES)
show_confusion_matrix(full_matrix, "Whole validation folder")
print(evaluation.format_metrics(
    evaluation.per_class_metrics(full_matrix, class_names)))

# %% [markdown] translates="4fda7c1951fd"
# सबसे आम ग़लतियाँ, (असली क्लास, प्रेडिक्ट की गई क्लास, इमेज) के रूप में:

# %%
for true_name, said_name, count in evaluation.rank_confusions(full_matrix,
                                                              class_names):
    print(f"{true_name:>14} taken for {said_name:<14}{count:>3}")

# %% [markdown] translates="5feac502596d"
# **कपड़ों के डेटासेट पर** ग़लतियाँ वहाँ इकट्ठी होती हैं जहाँ क्लास एक-दूसरे में
# घुलती हैं। पूरे वैलिडेशन फ़ोल्डर की 296 इमेज में से 63 ग़लत क्लास में गईं (233
# विकर्ण पर हैं), और उन 63 में से 25 एक ऊपरी कपड़े को दूसरा समझने की हैं: shirt,
# longsleeve, t-shirt और outwear 10 में से 4 क्लास हैं, और एक कहाँ ख़त्म होकर दूसरी
# कहाँ शुरू होती है, यह कुछ हद तक राय की बात है (longsleeve में रखी ज़िप वाली जैकेट,
# t-shirt में रखी पोलो)। सबसे कमज़ोर क्लास longsleeve है (F1 0.603), फिर dress
# (0.656): 4 बार किसी t-shirt को dress समझ लिया गया। साफ़ अलग आकृति वाली चीज़ें कम ही
# छूटती हैं: shoes (30 में से 29 पहचाने गए), pants (30 में से 28), skirt (27 में से
# 24)। 64 टेस्ट इमेज क्लासों को क्रम देने के लिए बहुत कम हैं: 9 ग़लतियाँ, हर एक अलग
# जोड़ी। मॉडल को दोष देने से पहले उसकी सबसे आम उलझन की इमेज देखें (अभ्यास 1): कुछ लेबल
# ख़ुद बहस के लायक़ हैं।

# %% [markdown] translates="e524968ffb5c"
# ## मॉडल क्या देखता है? N क्लास के लिए Grad-CAM
# 05 का Grad-CAM बेस के आख़िरी फ़ीचर मैप का भारित योग (weighted sum) निकालता है:
# हर मैप को प्रेडिक्ट की गई क्लास के स्कोर के ग्रेडिएंट से तौलकर। एक लॉजिट के साथ वह
# स्कोर लॉजिट या उसका ऋणात्मक था; N लॉजिट के साथ वह **प्रेडिक्ट की गई क्लास का लॉजिट**
# है: 05 के `tf.abs(preds[:, 0])` की जगह `tf.gather(logits, predicted, axis=1,
# batch_dims=1)`। `evaluation.grad_cam` इसी बदलाव के साथ 05 का कोड है। नीचे: हर क्लास
# की पहली वैलिडेशन इमेज।

# %%
chosen = [int(np.flatnonzero(val_labels == c)[0]) for c in range(NUM_CLASSES)
          if np.any(val_labels == c)]
heatmaps = evaluation.grad_cam(model, val_images[chosen])
assert heatmaps.shape == (len(chosen), IMG_SIZE[0] // 32, IMG_SIZE[1] // 32)
heatmaps = tf.image.resize(heatmaps[..., None], IMG_SIZE)[..., 0]
titles = [f"{class_names[val_labels[i]]}: said {class_names[val_predicted[i]]}"
          for i in chosen]
fig = plots.show_heatmaps(val_images[chosen], heatmaps, titles, ncols=5)
plt.show()

# %% [markdown] translates="f0e3ece209a4"
# **एक जैसी पृष्ठभूमि।** कपड़ों के डेटासेट की बहुत-सी फ़ोटो गिनी-चुनी चादरों, क़ालीनों
# और फ़र्शों पर खींची गई हैं, और मॉडल पृष्ठभूमि को भी उतनी ही आसानी से सीख सकता है
# जितनी कपड़े को। ऊपर, लाल हिस्से जूतों पर कम और उनके आसपास के क़ालीन पर ज़्यादा हैं,
# शर्ट के बग़ल की चादर पर हैं (जिसे outwear समझा गया), और स्कर्ट के बग़ल के फूलदार
# कपड़े पर उतने ही जितने स्कर्ट पर; dress, hat और pants पर वे ज़्यादातर कपड़े को ही
# ढकते हैं। पृष्ठभूमि पर टिका फ़ैसला एक शॉर्टकट है, जो कहीं और खींची फ़ोटो पर नाकाम
# होता है। इलाज डेटा में है: हर क्लास की फ़ोटो कई तरह की पृष्ठभूमि पर, या कपड़े तक
# काटी (crop की) हुई।

# %% [markdown] translates="7da2c1b71d88"
# ## मॉडल और नतीजे सेव करना
# इस नोटबुक के अपने नामों से, 03 और 04 की फ़ाइलों के बग़ल में: मॉडल (`.keras`), और
# क्लास के नाम ऊपर की हर संख्या के साथ (मॉडल ख़ुद अपनी क्लास के नाम नहीं जानता: उन्हें
# उसके साथ रखें)।

# %%
saved = stages.save_stage(
    ARTIFACTS_DIR, "own_data", split, model,
    dataset=data_dir.name, class_names=class_names, image_size=IMG_SIZE,
    split_sizes={part: len(getattr(split, part)) for part in splits.PARTS},
    test_set=settings, train_counts=train_counts, class_weight=fit_class_weight,
    cache=CACHE, cache_reason=reason,
    learning_rate={"head": HEAD_LEARNING_RATE, "fine_tuning": BASE_LEARNING_RATE / 10},
    initial_accuracy=accuracy0,
    history=combined, epochs={"initial": INITIAL_EPOCHS, "fine_tune":
                              FINE_TUNE_EPOCHS, "fine_tune_at": FINE_TUNE_AT},
    train_seconds={"feature_extraction": fe_seconds, "fine_tuning": ft_seconds},
    test_loss=test_loss, test_accuracy=test_accuracy, test_files=split.test.paths,
    test_confusion_matrix=matrix, test_per_class=test_metrics,
    validation_folder_confusion_matrix=full_matrix,
)
print("saved", " and ".join(path.name for path in saved))

# %% [markdown] translates="e05649b53efe"
# ## बिल्ली बनाम कुत्ते से क्या बदला
#
# | | बिल्ली बनाम कुत्ता (01-06) | N क्लास (यह नोटबुक) |
# |---|---|---|
# | डेटासेट की जाँच | `max_classes=2` | `max_classes=None` |
# | हेड | `Dense(1)`: एक लॉजिट | `Dense(N)`: हर क्लास का एक लॉजिट |
# | लॉस, `from_logits=True` | `BinaryCrossentropy` | `SparseCategoricalCrossentropy` |
# | सटीकता | `BinaryAccuracy(threshold=0.0)` | `SparseCategoricalAccuracy()` |
# | प्रायिकता | `sigmoid(logit)`: क्लास 1 की | `softmax(logits)`: हर क्लास की |
# | प्रेडिक्ट की गई क्लास | लॉजिट > 0 | सबसे बड़ा लॉजिट |
# | छोटी-बड़ी क्लास | (हर क्लास की 1,000) | `class_weight`: n / (N x गिनती) |
# | Grad-CAM का स्कोर | लॉजिट या उसका ऋणात्मक | प्रेडिक्ट की गई क्लास का लॉजिट |
#
# बाक़ी वही तरीक़ा है: बेस फ़्रीज़ करें, हेड ट्रेन करें, ऊपरी हिस्सा किसी ब्लॉक की
# शुरुआत से अनफ़्रीज़ करें, कम लर्निंग रेट से दोबारा कंपाइल करें, ट्रेनिंग जारी रखें।

# %% [markdown] translates="7f675c92f5d6"
# ## अभ्यास
# ये अभ्यास मॉडल की ग़लतियाँ देखने से शुरू होते हैं और कोड का विस्तार करने तक
# जाते हैं। हर अभ्यास (exercise) के साथ एक **संकेत (hint)** और
# एक पूरा समझाया हुआ **हल (solution)** है, दोनों छिपे हुए: पहले ख़ुद कोशिश करें,
# फिर *संकेत* या *हल* पर क्लिक करके उन्हें खोलें। हल का कोड तब चलता है जब यह
# नोटबुक ऊपर से पूरी चल चुकी हो (पहले Run All): उसे आख़िर में एक नए सेल में पेस्ट
# करें। वह इस नोटबुक की सेव की हुई कोई भी फ़ाइल नहीं बदलता।

# %% [markdown] translates="68650473a400"
# ### अभ्यास 1 (जाँचें): सबसे आम उलझन
# जिन दो क्लासों को मॉडल सबसे ज़्यादा मिलाता है, उनकी कुछ इमेज दिखाएँ। क्या आप उन्हें
# वही लेबल देते?
#
# <details><summary>संकेत</summary>
#
# `evaluation.rank_confusions(full_matrix, class_names)` जोड़ियों की सूची देता है,
# सबसे आम पहले। `all_labels` और `all_predicted` में टेस्ट और वैलिडेशन के प्रेडिक्शन
# हैं, `np.concatenate([images, val_images])` वाले क्रम में।
#
# </details>
#
# <details><summary>हल</summary>
#
# कपड़ों के डेटासेट पर: ऊपरी कपड़े। इनमें से कुछ किसी इंसान के लिए भी तय करना मुश्किल
# है, और मॉडल अपने लेबल से ज़्यादा एक-सा नहीं हो सकता।
#
# ```python
# pairs = evaluation.rank_confusions(full_matrix, class_names)
# if pairs:
#     true_name, said_name, count = pairs[0]
#     t, s = class_names.index(true_name), class_names.index(said_name)
#     wrong = np.flatnonzero((all_labels == t) & (all_predicted == s))[:6]
#     all_images = np.concatenate([images, val_images])
#     fig = plots.show_images(all_images[wrong],
#                             [f"true {true_name}, said {said_name}"] * len(wrong))
#     plt.show()
# ```
#
# </details>

# %% [markdown] translates="4f6fbecbe71e"
# ### अभ्यास 2 (अंदाज़ा लगाएँ): एकतरफ़ा डेटासेट पर क्लास वेट
# पहली क्लास की सिर्फ़ 20 ट्रेनिंग इमेज रखें और हेड को दो बार ट्रेन करें (फ़ीचर
# एक्सट्रैक्शन), क्लास वेट के बिना और उनके साथ। पहले अंदाज़ा लगाएँ, फिर मापें:
# वैलिडेशन सेट पर उस क्लास का रीकॉल कैसे बदलता है?
#
# <details><summary>संकेत</summary>
#
# `split.train.subset(indices)` `indices` वाली फ़ाइलें रखता है।
# `model_parts.build_classifier(base, NUM_CLASSES, DROPOUT)` किसी बेस के चारों ओर इस
# नोटबुक वाला मॉडल बनाता है, और `model_parts.compile_for_logits(model,
# optimizer)` उसे N लॉजिट के लिए कंपाइल करता है। नया, फ़्रीज़ बेस इस्तेमाल करें:
# `base_model` अब फ़ाइन-ट्यून हो चुका है।
#
# </details>
#
# <details><summary>हल</summary>
#
# वेट के बिना दुर्लभ क्लास की गिनी-चुनी इमेज लॉस में कम गिनी जाती हैं, इसलिए मॉडल उसे
# कम बार प्रेडिक्ट करता है और उसका रीकॉल गिरता है। वेट उन 20 इमेज को कुल मिलाकर उतना
# ही असर देते हैं जितना किसी दूसरी क्लास की इमेज को (यहाँ dress का वेट 5.42), और
# रीकॉल कुछ हद तक लौट आता है, उस क्लास के प्रिसिज़न की कुछ क़ीमत पर। कपड़ों के डेटासेट
# पर इसी कोड से मापा गया: dress का रीकॉल वेट के बिना 0.12, उनके साथ 0.35; प्रिसिज़न
# 0.75 और 0.56। यह दो हेड `INITIAL_EPOCHS` एपॉक तक ट्रेन करता है (CPU पर कुछ मिनट)।
#
# ```python
# rare = 0  # the class made rare
# of_rare = [i for i, y in enumerate(split.train.labels) if y == rare]
# others = [i for i, y in enumerate(split.train.labels) if y != rare]
# lopsided = split.train.subset(sorted(others + of_rare[:20]))
# lopsided_dataset = pipeline.make_dataset(lopsided, IMG_SIZE, BATCH_SIZE,
#                                          shuffle=True, seed=SEED)
# fresh_base = tf.keras.applications.MobileNetV2(
#     input_shape=IMG_SHAPE, include_top=False, weights=WEIGHTS)
# fresh_base.trainable = False
# for weights in (None, training.compute_class_weights(lopsided.labels,
#                                                      NUM_CLASSES)):
#     tf.keras.utils.set_random_seed(SEED)
#     trial = model_parts.build_classifier(fresh_base, NUM_CLASSES, DROPOUT)
#     model_parts.compile_for_logits(
#         trial, tf.keras.optimizers.Adam(HEAD_LEARNING_RATE))
#     trial.fit(lopsided_dataset, epochs=INITIAL_EPOCHS, class_weight=weights,
#               verbose=0)
#     y, z, _ = evaluation.predict_logits(trial, validation_dataset)
#     recall = np.mean(z[y == rare].argmax(axis=1) == rare)
#     print(f"class weights {'on ' if weights else 'off'}: recall of "
#           f"{class_names[rare]} {recall:.2f}")
# ```
#
# </details>

# %% [markdown] translates="44da91b1bc65"
# ### अभ्यास 3 (अंदाज़ा लगाएँ): ब्लॉक की सीमा पर कट
# ट्यूटोरियल के 100 की जगह ब्लॉक 11 की शुरुआत (लेयर 98) से फ़ाइन-ट्यून करें। तब
# कितने वेरिएबल ट्रेन होते हैं, और क्यों?
#
# <details><summary>संकेत</summary>
#
# `model_parts.find_block_start(base_model, "block_11_expand")` क्रमांक देता है। हर
# लेयर का `trainable` उसके क्रमांक से तय करें, BatchNormalization फ़्रीज़ रखें, और
# `model.trainable_variables` गिनें; ट्रेन करने की ज़रूरत नहीं। यहाँ
# `base_model.trainable = True` दोहराना काफ़ी नहीं: बेस पहले से ट्रेनेबल है, और
# TensorFlow बैकएंड के साथ Keras वह असाइनमेंट छोड़ देता है जो मान नहीं बदलता, इसलिए
# वह एक-एक करके फ़्रीज़ की गई लेयरों तक कभी नहीं पहुँचता।
#
# </details>
#
# <details><summary>हल</summary>
#
# 21: 100 वाले कट से एक ज़्यादा, ब्लॉक 11 के पहले कन्वोल्यूशन का कर्नेल
# (`block_11_expand`, लेयर 98)। उसकी BatchNormalization (लेयर 99) दोनों हालात में
# फ़्रीज़ रहती है।
#
# ```python
# at = model_parts.find_block_start(base_model, "block_11_expand")
# for index, layer in enumerate(base_model.layers):
#     layer.trainable = index >= at
# compat.freeze_batch_norm(base_model)
# print(at, len(model.trainable_variables))
# assert len(model.trainable_variables) == 21
# ```
#
# </details>

# %% [markdown] translates="8dbfec965b2d"
# ### अभ्यास 4 (विस्तार करें): "पक्का नहीं पता"
# 10 क्लास के साथ ग़लत जवाब अक्सर मामूली अंतर से हारा हुआ फ़ैसला होता है। मॉडल को तभी
# जवाब देने दें जब उसकी चुनी क्लास की सॉफ़्टमैक्स प्रायिकता कम से कम 0.8 हो। टेस्ट
# इमेज के कितने हिस्से को जवाब मिलता है, और वे जवाब कितने सही हैं?
#
# <details><summary>संकेत</summary>
#
# `evaluation.softmax(logits)` हर टेस्ट इमेज की प्रायिकताएँ देता है; उनमें सबसे
# बड़ी मॉडल का कॉन्फ़िडेंस है।
#
# </details>
#
# <details><summary>हल</summary>
#
# जवाब कम, पर उनमें सही ज़्यादा: जहाँ बाक़ी इमेज कोई इंसान देख सके, वहाँ यह काम का
# सौदा है। कपड़ों के डेटासेट पर (सेव किए गए रन का मॉडल): 64 टेस्ट इमेज में से 69% को
# जवाब मिला, उनमें से 0.909 सही, जबकि सारी इमेज पर 0.859।
#
# ```python
# confidence = evaluation.softmax(logits).max(axis=1)
# sure = confidence >= 0.8
# print(f"answers {sure.mean():.0%} of the {len(sure)} test images")
# if sure.any():
#     right = np.mean(predicted[sure] == labels[sure])
#     print(f"accuracy of those answers: {right:.3f} "
#           f"(of all: {np.mean(predicted == labels):.3f})")
# ```
#
# </details>

# %% [markdown] translates="de5d0b0f123c"
# ### अभ्यास 5 (विस्तार करें): आपकी अपनी फ़ोटो
# कोई ऐसी फ़ोटो क्लासिफ़ाई करें जो डेटासेट में नहीं है: मान लीजिए, आपके अपने किसी
# कपड़े की।
#
# <details><summary>संकेत</summary>
#
# 05 वाला `evaluation.predict_files(model, path, class_names, IMG_SIZE)` एक फ़ाइल,
# फ़ाइलों की सूची या फ़ोल्डर लेता है; N लॉजिट वाले मॉडल के लिए वह सबसे बड़े लॉजिट
# वाली क्लास और उसकी सॉफ़्टमैक्स प्रायिकता देता है।
#
# </details>
#
# <details><summary>हल</summary>
#
# तीन टेस्ट इमेज की जगह अपनी फ़ोटो का, या किसी फ़ोल्डर का, पाथ रखें।
#
# ```python
# my_photos = split.test.paths[:3]  # or "path/to/your/photo.jpg"
# results = evaluation.predict_files(model, my_photos, class_names, IMG_SIZE)
# print(evaluation.format_predictions(results))
# ```
#
# </details>

# %% [markdown] translates="30aaa6ab2da6"
# शुरुआत पर वापस: [01_data](01_data.ipynb), अब इस तरीक़े को अपनी क्लासों के लिए
# ध्यान में रखकर।
