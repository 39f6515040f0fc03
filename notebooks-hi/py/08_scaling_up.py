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

# %% [markdown] translates="7a7cd160e113"
# # 8. बड़े पैमाने पर: GPU, TPU और कई मशीनें

# %% [markdown]
# <table class="tfo-notebook-buttons" align="left">
#   <td><a target="_blank" href=
#   "https://colab.research.google.com/github/tl-course/transfer-learning-course/blob/v1.1.0/notebooks-hi/08_scaling_up.ipynb">
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
#   "https://github.com/tl-course/transfer-learning-course/blob/v1.1.0/notebooks-hi/08_scaling_up.ipynb">
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
#   "https://raw.githubusercontent.com/tl-course/transfer-learning-course/v1.1.0/notebooks-hi/08_scaling_up.ipynb">
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
# English: [08_scaling_up](../notebooks/08_scaling_up.ipynb)

# %% [markdown] translates="9d52cf517e84"
# नोटबुक 03 ने अपना मॉडल उसी पर ट्रेन किया जो TensorFlow को मिला: एक GPU हो तो वह,
# वरना CPU। यह नोटबुक वही मॉडल (03 का फ़्रीज़ (frozen) MobileNetV2 और नया हेड, 01 के
# स्प्लिट पर) ऐसे ट्रेन करती है कि वह इससे ज़्यादा हार्डवेयर इस्तेमाल कर सके:
#
# 1. पता करना कि इस मशीन में क्या है (CPU, एक GPU, कई GPU, TPU, या कई मशीनें), और
#    उसके लिए एक `tf.distribute` *स्ट्रैटेजी* (strategy) चुनना;
# 2. ग्लोबल बैच और लर्निंग रेट (learning rate) को रेप्लिका की संख्या के साथ बढ़ाना;
# 3. *मिक्स्ड प्रिसिज़न* (mixed precision): जहाँ हार्डवेयर में 16-बिट गणना की तेज़
#    इकाइयाँ हों, वहाँ 16-बिट गणना, पर लॉजिट float32 में;
# 4. XLA कंपाइलेशन (`jit_compile`), तभी जब मापने पर वह मदद करे;
# 5. इतनी तेज़ इनपुट पाइपलाइन कि GPU या TPU ख़ाली न बैठे, और उसकी माप।
#
# इस कोर्स की संदर्भ मशीन में दो CPU कोर हैं और कोई GPU नहीं। वहाँ इनमें से
# ज़्यादातर फ़ैसले "सादा तरीक़ा" निकलते हैं, और हर सेल यह बताता है। जहाँ कोई सेल GPU,
# TPU या कई मशीनों पर ज़्यादा करता है, वहाँ टेक्स्ट बताता है कि क्या, *यहाँ नहीं
# चलाया गया* लिखकर: आप जो आउटपुट देखते हैं, वे इसी मशीन के हैं।

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
import glob
import os
import time

import tensorflow as tf

from helpers import (
    artifacts,
    assets,
    catchup,
    compat,
    model_parts,
    pipeline,
    scaling,
    session,
    splits,
    stages,
    training,
)

# %% tags=["parameters"]
BATCH_SIZE_PER_REPLICA = 32  # the tutorial's BATCH_SIZE, on each replica
SEED = 123
BASE_LEARNING_RATE = 0.0001  # for one replica; scaled with the replicas below
INITIAL_EPOCHS = 10
DROPOUT = 0.2
MIXED_PRECISION = "auto"  # "auto": by device; True, False, or a policy's name
JIT_COMPILE = "auto"  # "auto": XLA only where it measured faster here; True, False
TIMING_STEPS = 3  # training steps timed per setting, after one warm-up step
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
print(session.describe_runtime("08"))

# %% [markdown] translates="7afca2252fa1"
# ## इस मशीन में क्या है, और उसके लिए स्ट्रैटेजी
# *डिस्ट्रिब्यूशन स्ट्रैटेजी* (distribution strategy) तय करती है कि मॉडल के वेरिएबल
# कहाँ रहें और ट्रेनिंग का एक स्टेप कैसे बाँटा जाए। कई डिवाइस हों, तो हर डिवाइस पर
# मॉडल की एक कॉपी (एक *रेप्लिका*, replica) होती है, वह बैच का अपना हिस्सा लेकर
# ग्रेडिएंट निकालती है; स्ट्रैटेजी सारी रेप्लिका के ग्रेडिएंट का औसत लेती है (एक
# *all-reduce*), और हर रेप्लिका वही अपडेट लगाती है, इसलिए सारी कॉपी एक जैसी रहती हैं।
#
# | क्या मिला | स्ट्रैटेजी | रेप्लिका |
# |---|---|---|
# | एक TPU (Colab पर: TPU रनटाइम) | `TPUStrategy` | हर TPU कोर की एक |
# | `TF_CONFIG`: कई मशीनें | `MultiWorkerMirroredStrategy` | उनके सारे डिवाइस |
# | कई GPU | `MirroredStrategy` | हर GPU की एक |
# | एक GPU, या सिर्फ़ CPU | डिफ़ॉल्ट स्ट्रैटेजी | 1 |
#
# यह सेल TensorFlow में किसी भी और चीज़ से पहले चलना चाहिए: TPU और कई मशीनों वाली
# स्ट्रैटेजी TensorFlow का रनटाइम सेट करती हैं, जो उसके शुरू होने से पहले ही हो सकता
# है (रैंडम सीड भी इसके बाद आते हैं)।


# %%
def find_tpu():
    """What TPUClusterResolver needs to reach a TPU, or None: no TPU here."""
    if os.environ.get("TPU_NAME"):  # a Cloud TPU, named by the platform
        return os.environ["TPU_NAME"]
    if os.environ.get("COLAB_TPU_ADDR"):  # Colab's older TPU runtime, via network
        return "grpc://" + os.environ["COLAB_TPU_ADDR"]
    if glob.glob("/dev/accel*"):  # TPU chips attached to this machine (a TPU VM)
        return "local"
    return None


tpu = find_tpu()
gpus = tf.config.list_physical_devices("GPU")
if tpu is not None:
    resolver = tf.distribute.cluster_resolver.TPUClusterResolver(tpu=tpu)
    tf.config.experimental_connect_to_cluster(resolver)
    tf.tpu.experimental.initialize_tpu_system(resolver)
    strategy = tf.distribute.TPUStrategy(resolver)
    DEVICE_KIND = "TPU"
    choice = f"TPUStrategy: {strategy.num_replicas_in_sync} TPU cores"
elif os.environ.get("TF_CONFIG"):  # several machines, described in TF_CONFIG
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    compat.patch_multi_worker_reduce(strategy)  # Keras 3's fit needs it (see below)
    DEVICE_KIND = "GPU" if gpus else "CPU"
    choice = "MultiWorkerMirroredStrategy: the machines in TF_CONFIG"
elif len(gpus) > 1:
    strategy = tf.distribute.MirroredStrategy()  # every GPU of this machine
    DEVICE_KIND = "GPU"
    choice = f"MirroredStrategy: {len(gpus)} GPUs"
else:  # one device: TensorFlow places everything on it by itself
    strategy = tf.distribute.get_strategy()
    DEVICE_KIND = "GPU" if gpus else "CPU"
    choice = f"the default strategy: one device, the {DEVICE_KIND}"
print(choice)
print("replicas in sync:", strategy.num_replicas_in_sync)

# %% [markdown] translates="076774558a44"
# `scaling.detect_strategy` यही सेल है, एक्सेलरेटर बेंचमार्क
# (`make benchmark-accelerator`) के लिए रखा हुआ।
#
# **दूसरी जगहों पर (यहाँ नहीं चलाया गया)।** Colab के TPU पर `find_tpu` TPU ढूँढता
# है, पहली शाखा उससे जुड़कर उसे तैयार करती है (कुछ सेकंड), और सेल TPU कोर की संख्या
# प्रिंट करता है। दो GPU वाली मशीन पर तीसरी शाखा `MirroredStrategy` चुनती है, जो हर
# वेरिएबल की एक कॉपी हर GPU पर रखती है, और सेल 2 रेप्लिका प्रिंट करता है। एक GPU के
# साथ कुछ बाँटना नहीं पड़ता: डिफ़ॉल्ट स्ट्रैटेजी, और TensorFlow हर ऑपरेशन अपने-आप GPU
# पर चलाता है।
#
# **कई मशीनें (यहाँ नहीं चलाया गया)।** हर मशीन यही नोटबुक (या स्क्रिप्ट) चलाती है,
# Python शुरू होने से पहले `TF_CONFIG` सेट करके, जो हर मशीन का नाम देता है और बताता
# है कि यह कौन-सी है:
#
# ```python
# os.environ["TF_CONFIG"] = json.dumps({
#     "cluster": {"worker": ["10.0.0.1:12345", "10.0.0.2:12345"]},
#     "task": {"type": "worker", "index": 0},  # 1 on the second machine
# })
# ```
#
# वर्कर (worker) एक-दूसरे का इंतज़ार करते हैं, फिर क़दम मिलाकर ट्रेन करते हैं: हर
# स्टेप में हर वर्कर बैच का अपना हिस्सा लेता है और सारे ग्रेडिएंट का नेटवर्क पर औसत
# लिया जाता है। इस स्ट्रैटेजी के साथ Keras 3 के `fit` को एक मरम्मत चाहिए: वह
# `strategy.reduce` को ऐसे मान देता है जिन्हें यह स्ट्रैटेजी एक से ज़्यादा वर्कर होने
# पर मना कर देती है (keras-team/keras#20585), और `compat.patch_multi_worker_reduce`
# हर मान को ठीक से reduce करवाता है। कोर्स के टेस्ट एक ही मशीन पर दो वर्कर चलाते हैं
# (`tests/test_distribute.py`) और जाँचते हैं कि आख़िर में उनके वेट वही हैं जो उन्हीं
# बैच पर ट्रेन हुए एक डिवाइस के।

# %% [markdown] translates="d743acc5bcab"
# रैंडम सीड (random seed) तय हैं (नई लेयर के शुरुआती वेट, ऑगमेंटेशन, ड्रॉपआउट और
# शफ़ल के लिए), ताकि उसी मशीन और उन्हीं वर्ज़न पर दोबारा चलाने से लगभग वही संख्याएँ
# मिलें (ऑगमेंटेशन अब इनपुट पाइपलाइन में समानांतर चलता है, नीचे देखें)।

# %%
tf.keras.utils.set_random_seed(SEED)

# %% [markdown] translates="5fd70c8072b8"
# **अगर आप यहीं से शुरू कर रहे हैं**, तो अगला सेल वह स्प्लिट ले आता है या बना
# लेता है जो [01_data](01_data.ipynb) सेव करती है
# ([कैसे](../docs/course-cells.md#if-you-start-here))।

# %% tags=["course"]
print(catchup.ensure_stage("split", ARTIFACTS_DIR, CATCH_UP, USE_DRIVE))

# %% [markdown] translates="03da40c4efc0"
# [01_data](01_data.ipynb) वाला स्प्लिट। इमेज का साइज़ उसी के साथ आता है।

# %%
split = splits.load_split(ARTIFACTS_DIR)
IMG_SIZE = split.image_size
IMG_SHAPE = IMG_SIZE + (3,)
print({part: len(getattr(split, part)) for part in splits.PARTS}, "| image size",
      IMG_SIZE)

# %% [markdown] translates="74983e855a67"
# ## ग्लोबल बैच और लर्निंग रेट
# हर स्टेप में हर रेप्लिका `BATCH_SIZE_PER_REPLICA` इमेज लेती है: पूरे सिस्टम का एक
# स्टेप रेप्लिका की संख्या के उतने गुना इमेज देखता है, यानी *ग्लोबल बैच*। डेटासेट
# ग्लोबल बैच से बैच किया जाता है, और Keras हर बैच को रेप्लिका में बाँट देता है।
#
# N रेप्लिका के साथ हर ग्रेडिएंट N गुना ज़्यादा इमेज का औसत होता है, और एक एपॉक में N
# गुना कम स्टेप होते हैं। *रैखिक स्केलिंग नियम* (linear scaling rule; Goyal और साथी,
# 2017, जिन्होंने इसी तरह ImageNet एक घंटे में ट्रेन किया) लर्निंग रेट को N से गुणा
# करता है, ताकि एक एपॉक वेट को लगभग उतनी ही दूर ले जाए जितना पहले। यह एक अनुभव का नियम
# है, अपनी सीमाओं के साथ:
#
# - बिल्कुल शुरू में, जब नया हेड अभी रैंडम है, बड़े स्टेप ट्रेनिंग को भटका सकते हैं:
#   एक रेप्लिका वाली रेट से शुरू करें और पहले कुछ एपॉक में उसे बढ़ाएँ (एक *वार्म-अप*,
#   warm-up, अभ्यास 2);
# - यह नियम एक बैच में कुछ हज़ार इमेज तक चलता है, उससे आगे नहीं;
# - Adam और RMSprop अपने स्टेप पहले से ख़ुद ढालते हैं; उनके लिए कम बढ़ोतरी (N का
#   वर्गमूल) अक्सर काफ़ी होती है। स्केल बढ़ाते समय दोनों आज़माएँ;
# - 2,000 ट्रेनिंग इमेज के साथ 8 रेप्लिका हर एपॉक में सिर्फ़ 8 स्टेप छोड़ती हैं: कम
#   और बड़े स्टेप हमेशा बहुत-से छोटे स्टेप जितने अच्छे नहीं होते।

# %% tags=["nbval-check-output"]
REPLICAS = strategy.num_replicas_in_sync
GLOBAL_BATCH_SIZE = BATCH_SIZE_PER_REPLICA * REPLICAS
LEARNING_RATE = BASE_LEARNING_RATE * REPLICAS
assert GLOBAL_BATCH_SIZE == scaling.scale_batch_size(BATCH_SIZE_PER_REPLICA, REPLICAS)
assert LEARNING_RATE == scaling.scale_learning_rate(BASE_LEARNING_RATE, REPLICAS)
print(f"global batch: {GLOBAL_BATCH_SIZE} images "
      f"({BATCH_SIZE_PER_REPLICA} per replica x {REPLICAS} replicas)")
print(f"learning rate: {LEARNING_RATE:g} ({BASE_LEARNING_RATE:g} x {REPLICAS})")

# %% [markdown] translates="07e612684c04"
# `scaling.scale_batch_size` और `scaling.scale_learning_rate` यही दो लाइनें हैं,
# बेंचमार्क स्क्रिप्ट के लिए रखी हुई।

# %% [markdown] translates="03a3acbdc29c"
# ## ऐसी इनपुट पाइपलाइन जो एक्सेलरेटर को ख़ाली न बैठने दे
# इमेज का इंतज़ार करता GPU बेकार जाता है। 01 की पाइपलाइन, चार ऐसी चीज़ों के साथ जो
# एक्सेलरेटर (GPU या TPU) पर ज़्यादा मायने रखती हैं:
#
# - **समानांतर डिकोडिंग**: `map(..., num_parallel_calls=AUTOTUNE)` एक साथ उतनी
#   इमेज डिकोड करता है जितने CPU कोर ख़ाली हैं;
# - **पाइपलाइन में ऑगमेंटेशन**: 02 का फ़्लिप और रोटेशन यहाँ, CPU पर, हर बैच पर चलते
#   हैं, जबकि एक्सेलरेटर पिछले बैच पर ट्रेन कर रहा होता है। मॉडल के अंदर (03 की तरह)
#   वे एक्सेलरेटर पर चलते, और `RandomRotation` XLA से कंपाइल नहीं हो सकता, इसलिए
#   मॉडल न `jit_compile` (नीचे) इस्तेमाल कर पाता, न TPU का कंपाइलर। नए फ़्लिप और
#   रोटेशन अब भी हर एपॉक में आते हैं;
# - **प्रीफ़ेच**: अगले बैच ज़रूरत से पहले तैयार रहते हैं;
# - **शार्डिंग** (sharding), कई मशीनों के साथ: हर वर्कर फ़ाइलों की वही सूची पढ़ता
#   है और हर n-वीं इमेज रखता है (`AutoShardPolicy.DATA`)। और TPU पर हर बैच का आकार
#   (shape) एक जैसा होना चाहिए (`drop_remainder=True`): TPU स्टेप को एक ही आकार के
#   लिए कंपाइल करता है, और आख़िरी छोटा बैच उसे फिर से कंपाइल करवाता।

# %%
AUTOTUNE = tf.data.AUTOTUNE
data_augmentation = model_parts.make_augmentation()  # 02's flip and rotation


def load(path, label):
    return pipeline.load_image(path, IMG_SIZE), label


sharding = tf.data.Options()
sharding.experimental_distribute.auto_shard_policy = (
    tf.data.experimental.AutoShardPolicy.DATA)  # several machines: every n-th image

train_dataset = (
    tf.data.Dataset.from_tensor_slices((list(split.train.paths),
                                        list(split.train.labels)))
    .shuffle(len(split.train), seed=SEED)
    .map(load, num_parallel_calls=AUTOTUNE)  # decode several images at once
    .batch(GLOBAL_BATCH_SIZE, drop_remainder=DEVICE_KIND == "TPU")
    .map(lambda x, y: (data_augmentation(x, training=True), y),
         num_parallel_calls=AUTOTUNE)  # augment here, on the CPU
    .prefetch(AUTOTUNE)  # prepare the next batches while this one trains
    .with_options(sharding)
)
validation_dataset = (
    pipeline.make_dataset(split.validation, IMG_SIZE, GLOBAL_BATCH_SIZE)
    .prefetch(AUTOTUNE).with_options(sharding)
)

# %% [markdown] translates="533211976092"
# (`scaling.add_augmentation` दूसरा `map` है।) `fit` हर ग्लोबल बैच स्ट्रैटेजी को देता
# है, जो उसे रेप्लिका में बाँटती है: यह काम `strategy.experimental_distribute_dataset`
# करता है, और `fit` उसे ख़ुद बुलाता है। पहले बैच का यह हाल होता है: एक रेप्लिका के
# साथ पूरा बैच उसी को जाता है।

# %% tags=["nbval-check-output"]
distributed = strategy.experimental_distribute_dataset(train_dataset)
images, labels = next(iter(distributed))
per_replica = strategy.experimental_local_results(images)
print(f"{len(per_replica)} replica(s) here, each with a batch of shape "
      f"{tuple(per_replica[0].shape)}")

# %% [markdown] translates="108d073923fe"
# सिर्फ़ इनपुट पाइपलाइन, बिना मॉडल के, कितनी तेज़ है? ट्रेनिंग इमेज पर एक पास, पहले
# सिर्फ़ डिकोडिंग, फिर डिकोडिंग और ऑगमेंटेशन, जैसे ट्रेनिंग उन्हें पढ़ती है। मॉडल की
# अपनी रफ़्तार नीचे आती है: दोनों में पाइपलाइन धीमी हो, तो एक्सेलरेटर इंतज़ार करता है।


# %%
def images_per_second(dataset):
    """Images per second of one pass over ``dataset``, doing nothing with them."""
    start = time.perf_counter()
    n = sum(int(x.shape[0]) for x, _ in dataset)
    return n / (time.perf_counter() - start)


decode_only = pipeline.make_dataset(split.train, IMG_SIZE, GLOBAL_BATCH_SIZE)
pipeline_speed = {
    "decode": images_per_second(decode_only.prefetch(AUTOTUNE)),
    "decode and augment": images_per_second(train_dataset),
}
for stage, speed in pipeline_speed.items():
    print(f"input pipeline alone, {stage}: {speed:,.0f} images/s")

# %% [markdown] translates="29c615a80342"
# ## मिक्स्ड प्रिसिज़न
# Keras डिफ़ॉल्ट रूप से float32 में गणना करता है। *मिक्स्ड प्रिसिज़न* 16 बिट में
# गणना करती है: मेमोरी से आधा डेटा आता-जाता है, और जिस हार्डवेयर में 16-बिट मैट्रिक्स
# इकाइयाँ हों, उस पर गणना कई गुना तेज़ होती है; वेट float32 में ही रहते हैं (जो अपडेट
# 16 बिट के लिए बहुत छोटा हो, वह राउंड होकर मिट जाता):
#
# - **GPU** (NVIDIA, Volta से, 2017: टेंसर कोर) **float16** में गणना करते हैं।
#   उसकी रेंज छोटी है (65,504 से ऊपर अनंत; लगभग 6e-8 से छोटे ग्रेडिएंट 0 हो जाते
#   हैं), इसलिए ग्रेडिएंट निकालने से पहले लॉस को गुणा किया जाता है और बाद में
#   ग्रेडिएंट को भाग: *लॉस स्केलिंग* (loss scaling)। `mixed_float16` में Keras यह
#   ख़ुद करता है (वह ऑप्टिमाइज़र को एक `LossScaleOptimizer` में लपेट देता है)।
# - **TPU** **bfloat16** में गणना करते हैं: float32 जितनी रेंज, कम अंकों के साथ; लॉस
#   स्केलिंग की ज़रूरत नहीं।
# - **CPU** में ज़्यादातर 16-बिट मैट्रिक्स इकाइयाँ नहीं होतीं: वे मानों को आगे-पीछे
#   बदलते हैं और धीमे चलते हैं। इसलिए CPU पर मिक्स्ड प्रिसिज़न नहीं; नीचे मापा गया है।
#
# पॉलिसी कोई भी हो, **आख़िरी लेयर float32 में गणना करती है**: लॉजिट, लॉस के अंदर का
# सिग्मॉइड और ख़ुद लॉस, जहाँ 16 बिट छोटे अंतरों को राउंड करके मिटा देते
# (`Dense(1, dtype="float32")`)।

# %% tags=["nbval-check-output"]
if MIXED_PRECISION == "auto":  # by device: what its fast matrix units compute in
    POLICY = {"GPU": "mixed_float16", "TPU": "mixed_bfloat16",
              "CPU": "float32"}[DEVICE_KIND]
elif MIXED_PRECISION is True:  # even on a CPU (bfloat16 is the less slow there)
    POLICY = {"GPU": "mixed_float16", "TPU": "mixed_bfloat16",
              "CPU": "mixed_bfloat16"}[DEVICE_KIND]
elif MIXED_PRECISION is False:
    POLICY = "float32"
else:  # a policy's name
    POLICY = MIXED_PRECISION
assert POLICY == scaling.choose_mixed_precision_policy(DEVICE_KIND, MIXED_PRECISION)
print(f"{DEVICE_KIND}: dtype policy {POLICY}")

# %% [markdown] translates="1121a702edc9"
# 03 का मॉडल, किसी पॉलिसी के तहत बना: `set_global_policy` तय करता है कि आगे बनने
# वाली लेयर किसमें गणना करें। रीस्केलिंग मॉडल में रहती है (वह [0, 255] के पिक्सेल
# लेती है), ऑगमेंटेशन पाइपलाइन में है, और लॉजिट वाली लेयर पॉलिसी कोई भी हो, float32
# में है। `compile_model` 03 वाला कंपाइल है, साथ में `jit_compile` (नीचे)। मॉडल
# `strategy.scope()` के अंदर बनाए और कंपाइल किए जाते हैं, ताकि उनके वेरिएबल, और
# ऑप्टिमाइज़र के भी, हर रेप्लिका पर बनें। (`scaling.make_classifier` यही
# `build_model` है, बेंचमार्क स्क्रिप्ट के लिए रखा हुआ।)

# %%
WEIGHTS = assets.prepare_weights(WEIGHTS)


def build_model(policy):
    """03's classifier, every layer computing under ``policy`` but the logit."""
    tf.keras.mixed_precision.set_global_policy(policy)
    try:
        base_model = tf.keras.applications.MobileNetV2(
            input_shape=IMG_SHAPE, include_top=False, weights=WEIGHTS
        )
        base_model.trainable = False
        inputs = tf.keras.Input(shape=IMG_SHAPE)
        x = model_parts.make_rescaling()(inputs)
        x = base_model(x, training=False)
        x = tf.keras.layers.GlobalAveragePooling2D()(x)
        x = tf.keras.layers.Dropout(DROPOUT)(x)
        outputs = tf.keras.layers.Dense(1, dtype="float32")(x)  # the logit
        return tf.keras.Model(inputs, outputs)
    finally:
        tf.keras.mixed_precision.set_global_policy("float32")  # for what follows


def compile_model(model, jit_compile):
    model.compile(
        optimizer=tf.keras.optimizers.Adam(learning_rate=LEARNING_RATE),
        loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
        metrics=[tf.keras.metrics.BinaryAccuracy(threshold=0.0, name="accuracy")],
        jit_compile=jit_compile,
    )


# %% [markdown] translates="be7aa1b01eab"
# पॉलिसी लेयरों के साथ क्या करती है, `mixed_float16` से दिखाया गया (मॉडल बनाने में
# किसी भी डिवाइस पर कुछ ख़र्च नहीं होता): बेस का कन्वोल्यूशन float16 में गणना करता है
# और अपने वेट float32 में रखता है; लॉजिट वाली लेयर float32 में गणना करती है, इसलिए
# मॉडल का आउटपुट float32 है। कंपाइल करना लॉस स्केलिंग के लिए ऑप्टिमाइज़र को लपेट
# देता है।

# %% tags=["nbval-check-output"]
with strategy.scope():
    mixed = build_model("mixed_float16")
    compile_model(mixed, jit_compile=False)
conv = model_parts.find_base_model(mixed).get_layer("Conv1")
print(f"a convolution: computes in {conv.compute_dtype}, "
      f"weights in {conv.variable_dtype}")
print(f"the logit layer: computes in {mixed.layers[-1].compute_dtype}; "
      f"the model outputs {mixed.output.dtype}")
print("optimizer:", type(mixed.optimizer).__name__)
assert conv.compute_dtype == "float16" and conv.variable_dtype == "float32"
assert mixed.layers[-1].compute_dtype == "float32"
assert mixed.output.dtype == "float32"
assert isinstance(mixed.optimizer, tf.keras.mixed_precision.LossScaleOptimizer)

# %% [markdown] translates="c0af818f23be"
# ### मापा गया: इस मशीन पर हर पॉलिसी
# मेमोरी में रखे एक ग्लोबल बैच पर 03 के मॉडल (फ़्रीज़ बेस, नया हेड) के कुछ ट्रेनिंग
# स्टेप, ताकि सिर्फ़ मॉडल का समय नापा जाए। पहला स्टेप स्टेप-फ़ंक्शन को ट्रेस करता है
# (और XLA के साथ उसे कंपाइल भी करता है); बाक़ी स्टेप वह रफ़्तार हैं जो ट्रेनिंग में
# बनी रहती है। (कई मशीनों पर: हर वर्कर वही बैच नापता है।)

# %%
tf.get_logger().setLevel("ERROR")  # each fresh model traces anew: no warnings
no_sharding = tf.data.Options()
no_sharding.experimental_distribute.auto_shard_policy = (
    tf.data.experimental.AutoShardPolicy.OFF)
timing_batch = tf.data.Dataset.from_tensors(next(iter(train_dataset)))
timing_batch = timing_batch.with_options(no_sharding)


def time_steps(model, steps=TIMING_STEPS):
    """(seconds of the first step, seconds per step after it) of ``fit``."""
    start = time.perf_counter()
    model.fit(timing_batch, epochs=1, verbose=0)
    first = time.perf_counter() - start
    start = time.perf_counter()
    model.fit(timing_batch.repeat(steps), epochs=1, verbose=0)
    return first, (time.perf_counter() - start) / steps


# %% [markdown] translates="90407cfeb831"
# इस तरह का डिवाइस जो पॉलिसी इस्तेमाल कर सकता है, हर एक नए मॉडल में: CPU पर तीनों,
# GPU पर float32 और float16, TPU पर float32 और bfloat16।

# %%
candidates = {"CPU": ["float32", "mixed_float16", "mixed_bfloat16"],
              "GPU": ["float32", "mixed_float16"],
              "TPU": ["float32", "mixed_bfloat16"]}[DEVICE_KIND]
policy_timings = {}
for policy in candidates:
    with strategy.scope():
        candidate = build_model(policy)
        compile_model(candidate, jit_compile=False)
    policy_timings[policy] = time_steps(candidate)
    del candidate
reference = policy_timings["float32"][1]
for policy, (first, per_step) in policy_timings.items():
    print(f"{policy:<15} first step {first:5.1f} s | {per_step:6.3f} s per step | "
          f"{GLOBAL_BATCH_SIZE / per_step:6.0f} images/s | "
          f"{per_step / reference:4.1f} x float32's time")

# %% [markdown] translates="6b609951a02f"
# CPU पर 16 बिट से बहुत कम या कुछ भी फ़ायदा नहीं। ज़्यादातर CPU में float16 की गणना
# होती ही नहीं: हर ऑपरेशन के पहले और बाद में मान float32 से और float32 में बदले जाते
# हैं, जिसमें समय लगता है (ऊपर का आख़िरी कॉलम)। कुछ नए CPU में, यह भी उनमें से एक है
# (TensorFlow का शुरुआती लॉग `AVX512_BF16` दिखाता है), bfloat16 के निर्देश होते हैं,
# जो इसे float32 के क़रीब या उससे थोड़ा आगे ला सकते हैं, हर ऐक्टिवेशन में 8 बिट कम
# (यानी कम अंकों) की क़ीमत पर। फिर भी "auto" CPU पर float32 ही रखता है: फ़ायदा, जहाँ
# होता है, CPU पर निर्भर है, और कुछ ही स्टेप का समय एक मोटा माप है; आपके CPU पर
# `mixed_bfloat16` मापने पर तेज़ निकले तो `MIXED_PRECISION = "mixed_bfloat16"` सेट
# करें। टेंसर कोर वाले GPU पर NVIDIA और TensorFlow के दस्तावेज़ों के अनुसार
# `mixed_float16` float32 से कहीं तेज़ है (TensorFlow की mixed precision गाइड: "more
# than 3 times on modern GPUs", यानी आधुनिक GPU पर 3 गुना से ज़्यादा); इस कोर्स ने इसे
# नहीं मापा (जहाँ GPU हो, वहाँ `make benchmark-accelerator` इसे मापता है)।

# %% [markdown] translates="558185f7a4cd"
# ## XLA: `jit_compile`, मापकर
# `jit_compile=True` से XLA पूरे ट्रेनिंग स्टेप को इस डिवाइस के लिए एक प्रोग्राम में
# कंपाइल करता है, ऑपरेशनों को आपस में जोड़कर। यह GPU को तेज़ कर सकता है, और TPU
# हमेशा इसी तरह चलता है, पर कंपाइल करने में समय लगता है, और यह हर मॉडल या डिवाइस पर
# मदद नहीं करता: इसे मापें। Keras मॉडल को तभी कंपाइल करता है जब XLA उसकी हर लेयर
# कंपाइल कर सके; `RandomRotation` नहीं हो सकती, और यह एक और कारण है कि ऑगमेंटेशन अब
# इनपुट पाइपलाइन में रहता है:

# %%
print("RandomRotation can be compiled by XLA:",
      tf.keras.layers.RandomRotation(0.2).supports_jit)

# %% [markdown] translates="5bcb49205cbf"
# वही नापे गए स्टेप, चुनी हुई पॉलिसी के तहत, XLA के बिना और उसके साथ (TPU पर चुनने
# को कुछ नहीं: वहाँ XLA हर स्टेप कंपाइल करता है)।

# %%
jit_timings = {False: policy_timings[POLICY]}
if DEVICE_KIND != "TPU":
    with strategy.scope():
        candidate = build_model(POLICY)
        compile_model(candidate, jit_compile=True)
    assert candidate.jit_compile  # Keras compiles this model with XLA
    jit_timings[True] = time_steps(candidate)
    del candidate
for jit, (first, per_step) in jit_timings.items():
    print(f"jit_compile={jit!s:<5}  first step {first:5.1f} s | "
          f"{per_step:6.3f} s per step | {GLOBAL_BATCH_SIZE / per_step:6.0f} images/s")
if True in jit_timings:
    ratio = jit_timings[True][1] / jit_timings[False][1]
    print(f"with XLA, a step takes {ratio:.2f} x the time it takes without")

# %% [markdown] translates="0a5f0861e41d"
# फ़ैसला: `JIT_COMPILE = "auto"` के साथ XLA तभी, जब वह यहाँ तेज़ निकला हो।

# %%
if DEVICE_KIND == "TPU":
    USE_JIT = True  # the TPU's compiler is XLA
elif JIT_COMPILE == "auto":
    USE_JIT = jit_timings[True][1] < jit_timings[False][1]
else:
    USE_JIT = bool(JIT_COMPILE)
print("jit_compile for training:", USE_JIT)

# %% [markdown] translates="79ef9613eccb"
# इस कोर्स के CPU पर XLA का कंपाइल किया हुआ स्टेप TensorFlow के अपने कर्नेल से बहुत
# धीमा था (ऊपर का अनुपात), इसलिए "auto" यहाँ उसे बंद रखता है। GPU पर कोई धारणा नहीं,
# माप फ़ैसला करता है।

# %% [markdown] translates="cb11e1443ad0"
# ## स्ट्रैटेजी के scope में बनाना, कंपाइल करना और ट्रेन करना
# जो मॉडल ट्रेन होता है: `strategy.scope()` के अंदर बना और कंपाइल किया हुआ, चुनी हुई
# पॉलिसी के तहत, चुने हुए `jit_compile` के साथ। 03 की तरह सिर्फ़ हेड ट्रेन होता है।

# %% tags=["nbval-check-output"]
tf.keras.utils.set_random_seed(SEED)
with strategy.scope():
    model = build_model(POLICY)
    compile_model(model, jit_compile=USE_JIT)
assert model.output.dtype == "float32"  # the logit, whatever the policy
print("trainable variables:", len(model.trainable_variables))
print("trainable parameters:", model_parts.count_params(model.trainable_variables))
assert model_parts.count_params(model.trainable_variables) == 1281

# %% [markdown] translates="e9dbeb270d3a"
# 03 का `fit`, इनपुट पाइपलाइन के ग्लोबल बैच के साथ; हर एपॉक के मेट्रिक और सेकंड 03 की
# तरह एक लॉग में जाते हैं (`training.ResumableRun`, यहाँ बिना बैकअप के: कई वर्कर हों
# तो बैकअप की योजना हर वर्कर के लिए अलग बनानी पड़ती है)।

# %% tags=["course"]
run = training.ResumableRun(ARTIFACTS_DIR, "scaling_up", model, split.id,
                            epochs=INITIAL_EPOCHS, verbose=VERBOSE, backup=False)

# %% [markdown] translates="68af3a24350b"
# 03 का `fit`, स्ट्रैटेजी के डेटासेट पर:

# %%
history = model.fit(
    train_dataset,
    epochs=INITIAL_EPOCHS,
    validation_data=validation_dataset,
    callbacks=run.callbacks,
)
train_seconds = run.seconds()
hist = run.history()
assert hist["epoch"] == list(range(INITIAL_EPOCHS))

# %% [markdown] translates="dade51b38b48"
# ## समय कहाँ जाता है
# तीन रफ़्तार साथ-साथ: सिर्फ़ इनपुट पाइपलाइन, सिर्फ़ मॉडल (ऊपर के नापे गए स्टेप) और
# `fit` (दोनों: ट्रेनिंग का एक एपॉक और उसका वैलिडेशन पास; पहला एपॉक, जो स्टेप को
# ट्रेस भी करता है, ज़्यादा एपॉक हों तो छोड़ दिया गया)। सबसे धीमा हिस्सा रफ़्तार तय
# करता है: पाइपलाइन मॉडल से धीमी हो, तो एक्सेलरेटर डेटा का इंतज़ार करता है, और इलाज
# पाइपलाइन में है (ज़्यादा समानांतर कॉल, 06 की तरह डिकोड की हुई इमेज का कैश, कम और
# छोटी फ़ाइलें), मॉडल में नहीं।

# %%
steady = hist["seconds"][1:] or hist["seconds"]
fit_speed = (len(split.train) + len(split.validation)) / (sum(steady) / len(steady))
model_speed = GLOBAL_BATCH_SIZE / jit_timings[USE_JIT][1]
print(f"input pipeline alone:   {pipeline_speed['decode and augment']:7,.0f} images/s")
print(f"model alone (training): {model_speed:7,.0f} images/s")
print(f"fit, per epoch:         {fit_speed:7,.0f} images/s")
slower = "the model" if model_speed < pipeline_speed["decode and augment"] else (
    "the input pipeline")
print("the slower of the two here:", slower)

# %% [markdown] translates="0ebe494a863c"
# यहाँ CPU दोनों काम करता है, इमेज तैयार करना और मॉडल चलाना, और मॉडल धीमा है। GPU
# यह बदल देता है: मॉडल दसियों गुना तेज़ हो जाता है, जबकि पाइपलाइन CPU पर ही रहती है
# (Colab की मुफ़्त मशीनों पर दो कोर), और पाइपलाइन दोनों में धीमी बन सकती है। इसीलिए
# वह समानांतर डिकोड और ऑगमेंट करती है और प्रीफ़ेच करती है; फिर भी GPU को रोके, तो
# डिकोड की हुई इमेज कैश करें (`pipeline.make_dataset(..., cache=True)`)।

# %% [markdown] translates="fea58d3a87c6"
# फ़ीचर एक्सट्रैक्शन कहाँ ख़त्म होता है, 03 के नतीजे के बग़ल में, अगर 03 इसी
# आर्टिफ़ैक्ट फ़ोल्डर में चली हो (वही तरीक़ा, ऑगमेंटेशन मॉडल के अंदर):

# %%
val_accuracy = hist["val_accuracy"][-1]
print(f"validation accuracy after {INITIAL_EPOCHS} epochs: {val_accuracy:.4f}")
if stages.has_stage(ARTIFACTS_DIR, "feature_extraction"):
    fe = stages.load_results(ARTIFACTS_DIR, "feature_extraction")
    if fe.get("split_id") == split.id and fe["epochs"] == INITIAL_EPOCHS:
        print(f"03, same split and epochs: {fe['history']['val_accuracy'][-1]:.4f}")

# %% [markdown] translates="242fc1c5e993"
# एक ही तरीक़ा, दो रन, दो नतीजे: सेव किए गए रन में यहाँ 0.9505 और 03 में 0.9653, यानी
# 808 वैलिडेशन इमेज में 12 इमेज का फ़र्क़। इस मशीन पर एक ही रेप्लिका है, इसलिए ग्लोबल
# बैच (32) और लर्निंग रेट (0.0001) 03 वाले ही हैं: इनमें कोई बढ़ोतरी नहीं हुई। फ़र्क़
# एक अलग रन का है: ऑगमेंटेशन अपने रैंडम फ़्लिप और रोटेशन अब मॉडल के अंदर नहीं, इनपुट
# पाइपलाइन में चुनता है, इसलिए हेड इमेज के दूसरे रूपों से सीखता है, और इस तरह का संयोग
# वैलिडेशन सटीकता को एक रन से दूसरे रन में बदल देता है। दोनों के एक-एक रन से यह नहीं
# कहा जा सकता कि इस अंतर में कितना हिस्सा संयोग का है। कई रेप्लिका पर बढ़ाए गए बैच और
# लर्निंग रेट भी नतीजा बदलेंगे।

# %% [markdown] translates="3d6f7ee55ecc"
# ## सेव करना
# कई मशीनों पर हर वर्कर ट्रेन करता है, पर लिखता सिर्फ़ एक है: `chief` टास्क, अगर
# `TF_CONFIG` में वह हो, वरना वर्कर 0 (`scaling.is_chief`; एक मशीन पर हमेशा यही)।
# मॉडल और उसकी संख्याओं को इस नोटबुक के अपने नाम मिलते हैं, इसलिए 03 का कुछ भी नहीं
# बदलता।

# %%
if scaling.is_chief(strategy):
    saved = stages.save_stage(
        ARTIFACTS_DIR, "scaling_up", split, model, history=hist,
        epochs=INITIAL_EPOCHS, strategy=choice, replicas=REPLICAS,
        global_batch_size=GLOBAL_BATCH_SIZE, learning_rate=LEARNING_RATE,
        policy=POLICY, jit_compile=USE_JIT, train_seconds=train_seconds,
        policy_step_seconds={p: t[1] for p, t in policy_timings.items()},
        jit_step_seconds={str(j): t[1] for j, t in jit_timings.items()},
        pipeline_images_per_second=pipeline_speed,
        model_images_per_second=model_speed, fit_images_per_second=fit_speed,
    )
    print("saved", " and ".join(path.name for path in saved))

# %% [markdown] translates="cd4bfe388339"
# ## सारांश
# - पहले पता करें, TensorFlow में कुछ भी चलने से पहले: `TPUStrategy`,
#   `MultiWorkerMirroredStrategy` (`TF_CONFIG`), `MirroredStrategy` (कई GPU) या
#   डिफ़ॉल्ट स्ट्रैटेजी; मॉडल `strategy.scope()` के अंदर बनाएँ और कंपाइल करें।
# - डेटासेट को ग्लोबल बैच, `BATCH_SIZE_PER_REPLICA x रेप्लिका`, से बैच करें, और
#   लर्निंग रेट को रेप्लिका के साथ बढ़ाएँ, सावधानी से (वार्म-अप, सीमाएँ)।
# - मिक्स्ड प्रिसिज़न वहाँ, जहाँ हार्डवेयर 16 बिट में तेज़ गणना करता है (GPU पर
#   `mixed_float16`, TPU पर `mixed_bfloat16`), CPU पर सिर्फ़ वहाँ जहाँ वह मापने पर
#   तेज़ निकले (यहाँ `mixed_float16` नहीं निकला); लॉजिट वाली लेयर हमेशा float32 में।
# - `jit_compile` और मिक्स्ड प्रिसिज़न उसी मशीन पर मापे जाते हैं जिस पर ट्रेनिंग होनी
#   है, माने नहीं जाते: इस CPU पर, सेव किए गए रन में, ट्रेनिंग के एक स्टेप ने
#   `mixed_float16` में 2.8 गुना समय लिया, `mixed_bfloat16` में लगभग उतना ही (1.0
#   गुना), और XLA के साथ 16 गुना (उस रन में दो कोर पर दूसरे काम भी चल रहे थे: हर स्टेप
#   के सेकंड धीमे हैं, अनुपात मोटे तौर पर ही सही)।
# - इनपुट पाइपलाइन CPU पर समानांतर डिकोड और ऑगमेंट करती है, और प्रीफ़ेच करती है;
#   उसकी रफ़्तार की तुलना मॉडल की रफ़्तार से करें, ताकि पता चले कि किसे सुधारना है।

# %% [markdown] translates="d675eece4613"
# ## अभ्यास
# ये अभ्यास संख्याओं का अंदाज़ा लगाने से शुरू होकर ऐसी स्ट्रैटेजी चलाने तक जाते
# हैं जिसका यह नोटबुक सिर्फ़ वर्णन करती है। हर अभ्यास (exercise) के साथ एक **संकेत
# (hint)** और एक पूरा समझाया हुआ **हल (solution)** है, दोनों छिपे हुए: पहले ख़ुद कोशिश
# करें, फिर *संकेत* या *हल* पर क्लिक करके उन्हें खोलें। हल का कोड तब चलता है जब यह
# नोटबुक ऊपर से पूरी चल चुकी हो (पहले Run All): उसे आख़िर में एक नए सेल में पेस्ट
# करें। वह इस नोटबुक की सेव की हुई कोई भी फ़ाइल नहीं बदलता।

# %% [markdown] translates="659656674621"
# ### अभ्यास 1 (अंदाज़ा लगाएँ): दो GPU, आठ GPU
# यही नोटबुक 2 GPU वाली मशीन पर, फिर 8 वाली पर: 2,000 ट्रेनिंग इमेज के साथ आप कितने
# ग्लोबल बैच, कितनी लर्निंग रेट और हर एपॉक में कितने स्टेप की उम्मीद करते हैं? और 10
# एपॉक में वेट के अपडेट की संख्या का क्या होता है?
#
# <details><summary>संकेत</summary>
#
# ग्लोबल बैच `BATCH_SIZE_PER_REPLICA` गुणा रेप्लिका है; एक एपॉक में स्टेप = ट्रेनिंग
# इमेज भाग ग्लोबल बैच, और आख़िरी बैच छोटा हो सकता है।
#
# </details>
#
# <details><summary>हल</summary>
#
# 2 GPU के साथ: हर स्टेप में 64 इमेज, लर्निंग रेट 0.0002, हर एपॉक में 32 स्टेप। 8 के
# साथ: 256 इमेज, 0.0008, 8 स्टेप। तब दस एपॉक में एक डिवाइस के 630 अपडेट की जगह 80
# अपडेट होते हैं: हर अपडेट बड़ा है (लर्निंग रेट) और बेहतर जानकारी वाला (8 गुना ज़्यादा
# इमेज का ग्रेडिएंट), पर वे बहुत कम हैं। इतने छोटे डेटासेट के साथ कुछ और एपॉक, या 32
# से छोटे प्रति-रेप्लिका बैच, की ज़रूरत की उम्मीद करें। कोड इस स्प्लिट के लिए
# संख्याएँ प्रिंट करता है:
#
# ```python
# import math
#
# for replicas in (1, 2, 8):
#     global_batch = scaling.scale_batch_size(BATCH_SIZE_PER_REPLICA, replicas)
#     rate = scaling.scale_learning_rate(BASE_LEARNING_RATE, replicas)
#     steps = math.ceil(len(split.train) / global_batch)
#     print(f"{replicas} replica(s): global batch {global_batch}, learning rate "
#           f"{rate:g}, {steps} steps per epoch, {steps * INITIAL_EPOCHS} updates "
#           f"in {INITIAL_EPOCHS} epochs")
# ```
#
# </details>

# %% [markdown] translates="64f82a9c1159"
# ### अभ्यास 2 (विस्तार करें): स्केल की हुई लर्निंग रेट के लिए वार्म-अप
# 8 रेप्लिका के लिए ऐसा शेड्यूल लिखें जो `BASE_LEARNING_RATE` से शुरू होकर पहले 3
# एपॉक में बराबर क़दमों से स्केल की हुई रेट तक पहुँचे, और फिर वहीं रहे। पहले 5 एपॉक
# के उसके मान जाँचें।
#
# <details><summary>संकेत</summary>
#
# `tf.keras.callbacks.LearningRateScheduler` हर एपॉक से पहले एक फ़ंक्शन को एपॉक के
# क्रमांक (0 से) और मौजूदा रेट के साथ बुलाता है, और वह जो रेट लौटाए, उसे लगा देता है;
# इसे `fit(callbacks=[...])` में दें।
#
# </details>
#
# <details><summary>हल</summary>
#
# एपॉक 0, 1 और 2 में रेट हर बार अंतर का एक-तिहाई बढ़ती है; एपॉक 3 से पूरी रेट। 8
# रेप्लिका पर हर एपॉक में सिर्फ़ 8 स्टेप हों, तो हर *स्टेप* पर वार्म-अप ज़्यादा
# सहज है: ऑप्टिमाइज़र के `learning_rate` के रूप में दिया गया
# `tf.keras.optimizers.schedules.LearningRateSchedule` यही करता है।
#
# ```python
# TARGET = scaling.scale_learning_rate(BASE_LEARNING_RATE, 8)
# WARMUP_EPOCHS = 3
#
#
# def warmup(epoch, rate=None):
#     """From BASE_LEARNING_RATE to TARGET over WARMUP_EPOCHS, then TARGET."""
#     if epoch >= WARMUP_EPOCHS:
#         return TARGET
#     return BASE_LEARNING_RATE + (TARGET - BASE_LEARNING_RATE) * epoch / WARMUP_EPOCHS
#
#
# schedule = tf.keras.callbacks.LearningRateScheduler(warmup)  # for fit(callbacks=)
# rates = [warmup(epoch) for epoch in range(5)]
# print([f"{rate:.6f}" for rate in rates])
# assert rates[0] == BASE_LEARNING_RATE and rates[3] == rates[4] == TARGET
# assert all(a < b for a, b in zip(rates[:4], rates[1:4]))
# ```
#
# </details>

# %% [markdown] translates="dca77e8ba4fc"
# ### अभ्यास 3 (विस्तार करें): इस मशीन पर `MirroredStrategy`
# दूसरे GPU के बिना भी TensorFlow CPU को दो *लॉजिकल* डिवाइस में बाँटकर उन पर मॉडल की
# कॉपी रख सकता है: कहीं भी `MirroredStrategy` आज़माने का एक तरीक़ा (धीमा, तेज़ नहीं)।
# पहले इस नोटबुक में `tf.config.set_logical_device_configuration` आज़माएँ। यह नाकाम
# क्यों होता है, और कोर्स के टेस्ट यह कैसे करते हैं?
#
# <details><summary>संकेत</summary>
#
# `TF_CONFIG` और TPU की तरह, लॉजिकल डिवाइस TensorFlow का रनटाइम शुरू होने से पहले
# सेट होने चाहिए। यहाँ से `subprocess` से शुरू किए गए नए Python ने अभी उसे शुरू नहीं
# किया है।
#
# </details>
#
# <details><summary>हल</summary>
#
# यहाँ TensorFlow कुछ देर से चल रहा है: "Virtual devices cannot be modified after
# being initialized"। नई Python प्रोसेस कुछ भी चलाने से पहले अपना CPU बाँट सकती है,
# फिर दोनों हिस्सों पर एक `MirroredStrategy` बना सकती है: 2 रेप्लिका।
# `tests/test_distribute.py` इससे आगे जाता है: वह वहाँ एक छोटा मॉडल ट्रेन करता है और
# जाँचता है कि उसके वेट उन्हीं ग्लोबल बैच पर ट्रेन हुए एक डिवाइस के वेट से मिलते हैं।
#
# ```python
# import subprocess
# import textwrap
#
# cpu = tf.config.list_physical_devices("CPU")[0]
# try:
#     tf.config.set_logical_device_configuration(
#         cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
# except RuntimeError as error:
#     print("in this notebook:", error)
# code = textwrap.dedent("""
#     import tensorflow as tf
#     cpu = tf.config.list_physical_devices("CPU")[0]
#     tf.config.set_logical_device_configuration(
#         cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
#     strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
#     print("in a fresh Python: replicas in sync:", strategy.num_replicas_in_sync)
# """)
# done = subprocess.run([sys.executable, "-c", code], capture_output=True,
#                       text=True, timeout=300)
# print(done.stdout.strip())
# assert "replicas in sync: 2" in done.stdout, done.stderr[-2000:]
# ```
#
# </details>

# %% [markdown] translates="a535e7dc855d"
# ### अभ्यास 4 (सोचें): तीन मशीनें, एक chief
# तीन मशीनों के क्लस्टर में हर मशीन का `TF_CONFIG` लिखें: 10.0.0.1 पर एक chief और
# 10.0.0.2 व 10.0.0.3 पर दो वर्कर, सब पोर्ट 12345 पर। मॉडल कौन-सी मशीन सेव करती है?
# अगर तीसरी मशीन कभी शुरू ही न हो, तो क्या होता है?
#
# <details><summary>संकेत</summary>
#
# `cluster` वाला हिस्सा हर मशीन पर एक जैसा है; सिर्फ़ `task` अलग है। सोचें कि
# all-reduce को हर स्टेप पर हर रेप्लिका से क्या चाहिए।
#
# </details>
#
# <details><summary>हल</summary>
#
# chief सेव करता है (`scaling.is_chief`: `chief` टास्क, और वर्कर 0 सिर्फ़ तब जब कोई
# chief न हो)। अगर एक मशीन कभी शुरू न हो, तो बाक़ी मशीनें स्ट्रैटेजी बनते समय उसका
# इंतज़ार करती हैं: हर रेप्लिका के बिना ट्रेनिंग शुरू नहीं हो सकती, क्योंकि हर स्टेप
# उन सबके ग्रेडिएंट का औसत लेता है। यही तब होता है जब कोई मशीन ट्रेनिंग के बीच रुक
# जाए: बाक़ी अगले all-reduce पर रुक जाती हैं। (लंबे रन के लिए Keras का
# `BackupAndRestore`, जो 03 में इस्तेमाल हुआ, दोबारा शुरू हुए क्लस्टर को आख़िरी एपॉक
# से आगे बढ़ने देता है।)
#
# ```python
# import json
#
# cluster = {"chief": ["10.0.0.1:12345"],
#            "worker": ["10.0.0.2:12345", "10.0.0.3:12345"]}
# tasks = [{"type": "chief", "index": 0}, {"type": "worker", "index": 0},
#          {"type": "worker", "index": 1}]
# for task in tasks:
#     print(f"TF_CONFIG='{json.dumps({'cluster': cluster, 'task': task})}'")
# ```
#
# </details>
