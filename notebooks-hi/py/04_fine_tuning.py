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

# %% [markdown] translates="ae4c716c1f48"
# # 4. MobileNetV2 के ऊपरी हिस्से की फ़ाइन-ट्यूनिंग

# %% [markdown]
# <table class="tfo-notebook-buttons" align="left">
#   <td><a target="_blank" href=
#   "https://colab.research.google.com/github/tl-course/transfer-learning-course/blob/v1.1.0/notebooks-hi/04_fine_tuning.ipynb">
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
#   "https://github.com/tl-course/transfer-learning-course/blob/v1.1.0/notebooks-hi/04_fine_tuning.ipynb">
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
#   "https://raw.githubusercontent.com/tl-course/transfer-learning-course/v1.1.0/notebooks-hi/04_fine_tuning.ipynb">
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
# English: [04_fine_tuning](../notebooks/04_fine_tuning.ipynb)

# %% [markdown] translates="46ec1cac19da"
# फ़ीचर एक्सट्रैक्शन (feature extraction) ने ImageNet के फ़ीचर को जैसे थे वैसे ही
# इस्तेमाल किया। *फ़ाइन-ट्यूनिंग (fine-tuning)* बेस की ऊपरी लेयरों (layer) को
# बिल्लियों और कुत्तों के हिसाब से ढलने देती है: हम उन्हें अनफ़्रीज़ (unfreeze)
# करके ट्रेनिंग जारी रखते हैं, धीरे-धीरे, ताकि ImageNet से सीखी बातें मिटें नहीं,
# बस थोड़ी बदलें। नीचे की लेयर, जो किनारे और बनावट जैसी आम चीज़ें पहचानती हैं,
# फ़्रीज़ (frozen) ही रहती हैं।

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

from helpers import (
    artifacts,
    catchup,
    model_parts,
    pipeline,
    plots,
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
FINE_TUNE_EPOCHS = 10
FINE_TUNE_AT = 100

# %% jupyter={"source_hidden": true} tags=["course", "switches"]
# Course switches (the tutorial has none; docs/course-cells.md explains each). An
# environment variable TL_<NAME> (TL_ARTIFACTS_DIR) wins over a value here.
ARTIFACTS_DIR = "../artifacts"  # where each notebook saves what the next one loads
CATCH_UP = True  # an earlier notebook's work is missing: fetch or make it
USE_DRIVE = False  # on Colab: keep that work in Google Drive between sessions
VERBOSE = 1  # fit's progress: 1 a bar per epoch, 2 a line per epoch
BACKUP = True  # save after each epoch, so that re-running fit resumes

# %% jupyter={"source_hidden": true} tags=["course"]
session.setup_notebook()  # the course's own errors as one readable line
ARTIFACTS_DIR = artifacts.get_artifacts_dir(ARTIFACTS_DIR)
print(session.describe_runtime("04"))

# %% [markdown] translates="eb91c6803aa1"
# रैंडम सीड (random seed; रैंडम यानी यादृच्छिक) तय हैं (नई लेयरों के शुरुआती वेट,
# ऑगमेंटेशन, ड्रॉपआउट और शफ़ल के लिए), ताकि उसी मशीन और उन्हीं वर्ज़न पर दोबारा चलाने
# से वही संख्याएँ मिलें।

# %%
tf.keras.utils.set_random_seed(SEED)

# %% [markdown] translates="b0584f3ce05d"
# **अगर आप यहीं से शुरू कर रहे हैं**, तो [01_data](01_data.ipynb) और
# [03_feature_extraction](03_feature_extraction.ipynb) जो सेव करती हैं, उसे अगला
# सेल ले आता है या बना लेता है ([कैसे](../docs/course-cells.md#if-you-start-here))।

# %% tags=["course"]
print(catchup.ensure_stage("feature_extraction", ARTIFACTS_DIR, CATCH_UP, USE_DRIVE))

# %% [markdown] translates="b97a154a2695"
# ## नोटबुक 01 और 03 ने जो सेव किया
# स्प्लिट, और फ़ीचर एक्सट्रैक्शन वाला ट्रेन किया हुआ मॉडल, उसकी हिस्ट्री के साथ।
# इनमें से कुछ न मिले, तो मैसेज बताता है कि पहले कौन-सी नोटबुक चलानी है; अगर 03 की
# ट्रेनिंग के बाद 01 दूसरी सेटिंग से दोबारा चली हो, तो वह भी बताता है। फ़ीचर
# एक्सट्रैक्शन कितने एपॉक चला, यह 03 की सेव की हुई फ़ाइल से आता है।
#
# **यहाँ आ सकने वाले एरर:**
#
# - `MissingArtifactError: ... Run the notebook 03_feature_extraction first`: पहले
#   वह नोटबुक चलाएँ जिसका नाम मैसेज में है।
# - `ArtifactMismatchError: The model saved by ... was trained on another split`:
#   मॉडल की ट्रेनिंग के बाद 01 दूसरी सेटिंग से चली है: 01 के बाद की नोटबुक दोबारा
#   चलाएँ, या 01 को पुरानी सेटिंग से।
# - `UnusableArtifactError: ... cannot be used: it is not a complete .keras file`:
#   सेव किया हुआ मॉडल अधूरा है (क्रैश, या डिस्क भर गई): मैसेज में जिस नोटबुक का
#   नाम है, उसे दोबारा चलाएँ।

# %%
split = splits.load_split(ARTIFACTS_DIR)
model, results = stages.load_stage(ARTIFACTS_DIR, "feature_extraction", split)
history = results["history"]
INITIAL_EPOCHS = results["epochs"]
base_model = model_parts.find_base_model(model)
print(base_model.name, "| feature extraction ran", INITIAL_EPOCHS, "epochs")

# %% [markdown] translates="fc8a530137d0"
# वही डेटासेट जो 03 में थे।

# %%
IMG_SIZE = split.image_size
AUTOTUNE = tf.data.AUTOTUNE
train_dataset = pipeline.make_dataset(
    split.train, IMG_SIZE, BATCH_SIZE, shuffle=True, seed=SEED
).prefetch(AUTOTUNE)
validation_dataset = pipeline.make_dataset(
    split.validation, IMG_SIZE, BATCH_SIZE
).prefetch(AUTOTUNE)

# %% [markdown] translates="fc2a91ff8f30"
# ## ऊपरी लेयरों को अनफ़्रीज़ करना
# अब ही क्यों, 03 के बाद: नया-नया बना हेड बड़ी और बेतुकी ग़लतियाँ करता है, और उनके
# बड़े ग्रेडिएंट (gradient) प्री-ट्रेन्ड (pretrained) लेयरों तक पहुँचकर उनकी सीखी
# हुई बातें बिगाड़ देते। हेड पहले ट्रेन हो चुका हो, तो ग्रेडिएंट छोटे रहते हैं और
# बेस को हल्के से बदलते हैं। सिर्फ़ ऊपरी लेयर ही क्यों: शुरुआती लेयर किनारे और
# बनावट जैसी आम चीज़ें सीखती हैं, जो किसी भी फ़ोटो पर काम आती हैं; बाद वाली लेयर
# ImageNet के काम के हिसाब से सबसे ज़्यादा ख़ास होती हैं।
#
# पहले पूरे बेस को अनफ़्रीज़ करते हैं, फिर `FINE_TUNE_AT` से नीचे की हर लेयर को
# दोबारा फ़्रीज़ करते हैं।

# %% tags=["nbval-check-output"]
base_model.trainable = True
print("Number of layers in the base model:", len(base_model.layers))
assert len(base_model.layers) == 154

# %% [markdown] translates="d985d107b86e"
# `FINE_TUNE_AT` से नीचे की लेयर फिर से फ़्रीज़: वे जो आम, निचले स्तर के फ़ीचर
# निकालती हैं, उन्हें जैसा है वैसा रखना ही फ़ायदेमंद है।

# %%
for layer in base_model.layers[:FINE_TUNE_AT]:
    layer.trainable = False

# %% [markdown] translates="dfb778dc21f9"
# ## BatchNormalization को इन्फ़रेंस मोड में रखना (Keras 3)
# ट्यूटोरियल (Keras 2) में, नोटबुक 03 वाला `base_model(x, training=False)`
# अनफ़्रीज़ करने के बाद भी हर BatchNormalization लेयर को इन्फ़रेंस मोड (inference
# mode) में रखता था। Keras 3 `fit` के दौरान इस `training=False` को ओवरराइड कर देता
# है (keras-team/keras#20285): तब अनफ़्रीज़ की हुई BatchNormalization लेयर हर बैच को
# उसी बैच के अपने आँकड़ों से नॉर्मलाइज़ करतीं, और ImageNet से सीखे अपने आँकड़े (मीन और
# वेरिएंस, यानी माध्य और प्रसरण) मिटाकर उनकी जगह इस डेटा के आँकड़े लिख देतीं; तब 03
# में ट्रेन हुए हेड को ऐसे इनपुट मिलते जो उन इनपुट से अलग होते जिन पर वह ट्रेन हुआ था।
#
# Keras 3 उस BatchNormalization लेयर को इन्फ़रेंस मोड में चलाता है जिसका
# `trainable` False हो। इसलिए हम इन लेयरों को फिर से फ़्रीज़ कर देते हैं। ट्रेनिंग
# पर इसका असर: ट्यूटोरियल (Keras 2) हर अनफ़्रीज़ की हुई BatchNormalization लेयर का
# स्केल और ऑफ़सेट भी ट्रेन करता था, हर लेयर के दो वेरिएबल (variable); यहाँ सिर्फ़
# ऊपरी लेयरों के कन्वोल्यूशन (convolution) और हेड ट्रेन होते हैं। सेव किए गए मॉडल
# में सिर्फ़ Keras की अपनी लेयर हैं, इसलिए वह Keras चलने वाली हर जगह लोड हो जाता
# है। (नोटबुक 06 के लिए `compat.freeze_batch_norm` यही लूप रखता है।)

# %%
for layer in base_model.layers:
    if isinstance(layer, tf.keras.layers.BatchNormalization):
        layer.trainable = False

# %% [markdown] translates="256a560742c1"
# अब ऊपर की 54 लेयरों में से 18 कन्वोल्यूशन कर्नेल (kernel) ट्रेन होते हैं, साथ
# में हेड का कर्नेल और बायस (bias): कुल 20 वेरिएबल। (ट्यूटोरियल 56 गिनता है: Keras
# 2 में ऊपर की 18 BatchNormalization लेयर अपना स्केल और ऑफ़सेट भी ट्रेन करती थीं।)

# %% tags=["nbval-check-output"]
print("trainable variables:", len(model.trainable_variables))
if FINE_TUNE_AT == 100:  # the tutorial's setting
    assert len(model.trainable_variables) == 20

# %% [markdown] translates="b637bb42e119"
# ## कम लर्निंग रेट से दोबारा कंपाइल करना
# `trainable` बदलने के बाद मॉडल को फिर से कंपाइल (compile) करना ज़रूरी है। लर्निंग
# रेट (learning rate) पहले का दसवाँ हिस्सा है: अब हम 2,000 इमेज पर 18 लाख
# प्री-ट्रेन्ड वेट ट्रेन कर रहे हैं, और बड़े स्टेप (step) लेने पर, जैसा ट्यूटोरियल
# चेताता है, "मॉडल बहुत जल्दी ओवरफ़िट हो सकता है", या प्री-ट्रेन्ड वेट बिगड़ सकते
# हैं। ट्यूटोरियल यहाँ RMSprop पर चला जाता है, जो हर वेट का स्टेप इस हिसाब से
# छोटा-बड़ा करता है कि उसके हाल के ग्रेडिएंट कितने बड़े रहे, ताकि कुछ बड़े ग्रेडिएंट
# प्री-ट्रेन्ड वेट को दूर न धकेल सकें। (03 में इस्तेमाल हुआ Adam मोमेंटम (momentum) के
# साथ यही करता है; दोनों यहाँ काम करते हैं।) ओवरफ़िटिंग (overfitting) 06 के नतीजों में
# दिखती है: ट्रेनिंग सटीकता (accuracy) बढ़ती रहती है, जबकि वैलिडेशन लॉस (loss) अटक
# जाता है।

# %%
model.compile(
    loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
    optimizer=tf.keras.optimizers.RMSprop(learning_rate=BASE_LEARNING_RATE / 10),
    metrics=[tf.keras.metrics.BinaryAccuracy(threshold=0.0, name="accuracy")],
)

# %% [markdown] translates="be0698f878e8"
# मॉडल फिर से: ट्रेनेबल (trainable) और नॉन-ट्रेनेबल (non-trainable) पैरामीटर की
# गिनती बदल गई है, और बेस अब आंशिक रूप से ट्रेन होता है (उसके Trainable कॉलम में
# Y है)।

# %%
model.summary(show_trainable=True)

# %% [markdown] translates="901bbe3cb967"
# बेस के अंदर, `FINE_TUNE_AT` वाले कट के आस-पास: इंडेक्स 100 से आगे वेट वाली हर लेयर
# ट्रेन होती है (Y), सिवाय उन BatchNormalization लेयरों के जिन्हें ऊपर फ़्रीज़ किया
# गया (N); कट के नीचे कुछ भी ट्रेन नहीं होता (N)। जिन लेयरों में वेट नहीं हैं, वहाँ
# डैश दिखता है।

# %%
first, last = base_model.layers[FINE_TUNE_AT - 3], base_model.layers[FINE_TUNE_AT + 4]
base_model.summary(show_trainable=True, layer_range=[first.name, last.name])

# %% [markdown] translates="04ea10d834f1"
# ## ट्रेनिंग जारी रखना
# एपॉक (epoch) वहीं से आगे गिने जाते हैं जहाँ फ़ीचर एक्सट्रैक्शन रुका था: अगले
# एपॉक का क्रमांक `len(history.epoch)` है। ट्यूटोरियल
# `initial_epoch=history.epoch[-1]` देता है, यानी पहले से ट्रेन हो चुके आख़िरी
# एपॉक का क्रमांक, इसलिए उसकी फ़ाइन-ट्यूनिंग `fine_tune_epochs` से एक एपॉक
# *ज़्यादा* चलती है (11 एपॉक, उसके लॉग में 10 से 20 तक)। tensorflow.org पर
# ट्यूटोरियल के नए वर्ज़न ने इसे इसी तरह ठीक किया है:
# `initial_epoch=len(history.epoch)`।

# %%
total_epochs = INITIAL_EPOCHS + FINE_TUNE_EPOCHS
initial_epoch = training.initial_epoch_after(history)
assert initial_epoch == INITIAL_EPOCHS

bn_layer = base_model.get_layer("block_16_project_BN")
moving_mean = bn_layer.moving_mean.numpy()

# %% [markdown] translates="71526e3c386c"
# 03 की तरह एक `ResumableRun`, अब एपॉक 11 से 20 के लिए।
#
# **यहाँ दिख सकने वाले मैसेज:** `Resuming an interrupted run after epoch N.` और
# `Not resuming the backup in ...` एरर नहीं हैं: पहला बताता है कि रुकी हुई
# ट्रेनिंग उसी एपॉक-क्रम में आगे बढ़ रही है, दूसरा कि किसी दूसरे रन का बैकअप अलग
# रखकर ट्रेनिंग नए सिरे से शुरू हुई (03 देखें)।

# %% tags=["course"]
run = training.ResumableRun(
    ARTIFACTS_DIR, "fine_tuning", model, split.id, epochs=total_epochs,
    initial_epoch=initial_epoch, verbose=VERBOSE, backup=BACKUP, batch_size=BATCH_SIZE,
    seed=SEED, started_from=history,  # 03's run, epoch by epoch
)
print(run.message)

# %% [markdown] translates="e5fe6e6592e0"
# ट्यूटोरियल का `fit`, साथ में `callbacks=run.callbacks`:

# %%
history_fine = model.fit(
    train_dataset,
    epochs=total_epochs,
    initial_epoch=initial_epoch,
    validation_data=validation_dataset,
    callbacks=run.callbacks,
)
hist_fine = run.history()
assert hist_fine["epoch"] == list(range(INITIAL_EPOCHS, total_epochs))

# %% [markdown] translates="5e2758bc978c"
# BatchNormalization लेयर इन्फ़रेंस मोड में ही रहीं: उनके ImageNet वाले आँकड़े
# ज़रा भी नहीं हिले।

# %%
assert np.array_equal(moving_mean, bn_layer.moving_mean.numpy())

# %% [markdown] translates="32d615228f25"
# ## लर्निंग कर्व, दोनों चरण
# नोटबुक 03 वाला ट्यूटोरियल का प्लॉट, सारे एपॉक पर (`plots.plot_history` इसे बनाता
# है), और ट्यूटोरियल वाली वह लाइन जहाँ से फ़ाइन-ट्यूनिंग शुरू होती है (लेजेंड में
# `Start Fine Tuning`, यानी फ़ाइन-ट्यूनिंग की शुरुआत)। प्लॉट का टेक्स्ट 03 की तरह
# अंग्रेज़ी में है। x-अक्ष एपॉक को 0 से गिनता है: प्लॉट का 0 एपॉक 1 है और 10 एपॉक 11,
# फ़ाइन-ट्यूनिंग का पहला एपॉक; `Start Fine Tuning` वाली लाइन 9.5 पर, दोनों चरणों के
# बीच है।

# %%
combined = training.merge_histories(history, hist_fine)
assert combined["epoch"] == list(range(total_epochs))
fig = plots.plot_history(combined, fine_tune_epoch=INITIAL_EPOCHS)
plt.show()

# %% [markdown] translates="d09265a99225"
# दोनों चरणों के आख़िर की वैलिडेशन सटीकता (ट्यूटोरियल अपने 160-px वाले वेट के साथ
# फ़ाइन-ट्यूनिंग के बाद लगभग 0.98 बताता है):

# %%
fe_accuracy, ft_accuracy = history["val_accuracy"][-1], hist_fine["val_accuracy"][-1]
print(f"validation accuracy after feature extraction: {fe_accuracy:.4f}")
print(f"validation accuracy after fine-tuning: {ft_accuracy:.4f}")

# %% [markdown] translates="950b289a6559"
# सेव किए गए रन में यह ठहराव (plateau) है, अभी ओवरफ़िटिंग नहीं: ट्रेनिंग लॉस एपॉक 11 में
# 0.1991
# से घटकर एपॉक 20 में 0.0808 हो गया, जबकि वैलिडेशन लॉस एपॉक 19 में सबसे कम (0.0502) था
# और आख़िर में 0.0612 रहा; सबसे अच्छी वैलिडेशन सटीकता, एपॉक 17 की 0.9814, आख़िरी
# एपॉक में नहीं थी। सभी 20 एपॉक में वैलिडेशन लॉस ट्रेनिंग लॉस से कम रहा (ऑगमेंटेशन और
# ड्रॉपआउट सिर्फ़ ट्रेनिंग में चलते हैं, इसलिए ट्रेनिंग लॉस ही ज़्यादा कठिन है): वह
# सुधरना बंद हो गया और एपॉक-दर-एपॉक ऊपर-नीचे होता रहा, पर ट्रेनिंग लॉस से ऊपर कभी नहीं
# गया। ओवरफ़िटिंग अलग दिखती है: 06, जो यही लेयर बिना ऑगमेंटेशन वाली इमेज पर ट्रेन करती
# है, 0.999 की ट्रेनिंग सटीकता तक पहुँच जाती है जबकि उसका वैलिडेशन लॉस अपने सबसे कम
# मान 0.050 से बढ़कर 0.071 हो जाता है। ऑगमेंटेशन इसे धीमा करता है। नीचे का अभ्यास 4
# दिखाता है कि सही समय पर कैसे रुकें।

# %% [markdown] translates="d5d5ac75a4d7"
# ## ImageNet से क्या मिला
# क्या ImageNet के बिना 2,000 इमेज काफ़ी होतीं? `scripts/from_scratch.py` इस नोटबुक के
# नेटवर्क को रैंडम वेट से ट्रेन करती है, उसकी हर लेयर को, उसी ऑगमेंटेशन, हेड, स्प्लिट
# और 20 एपॉक के साथ, और Adam 0.001 पर: ट्यूटोरियल के रेट का दस गुना, क्योंकि शून्य से
# सीखने वाले नेटवर्क को बड़े कदम चाहिए (d2l का फ़ाइन-ट्यूनिंग अध्याय भी शून्य से ट्रेन
# होने वाले नेटवर्क को दस गुना रेट देता है)। हमारे 2-कोर CPU पर इसमें 26.8 मिनट लगे।
# पहले और आख़िरी एपॉक के बाद वैलिडेशन सटीकता: शून्य से, 0.4926 और 0.4926 (टेस्ट सटीकता
# 0.5312); ImageNet के वेट से, 03 के पहले एपॉक के बाद 0.7661, उसके दसवें के बाद 0.9653
# और 04 के दसवें के बाद 0.9752 (टेस्ट सटीकता 0.9375, 05)।
#
# शून्य से ट्रेन हुआ नेटवर्क सभी 20 एपॉक में हर वैलिडेशन इमेज को एक ही क्लास बताता है,
# जबकि उसकी ट्रेनिंग सटीकता 0.7635 तक चढ़ती है। दोनों एक साथ सच हैं, और 06 का
# BatchNormalization वाला प्रयोग बताता है क्यों: ट्रेनिंग में हर BatchNormalization
# लेयर बैच के अपने आँकड़ों से नॉर्मलाइज़ करती है; वैलिडेशन में अपने मूविंग आँकड़ों से,
# जिन्हें MobileNetV2 की लेयर धीरे-धीरे बदलती हैं (हर स्टेप पर पुराने मान का 0.999
# रखती हैं)। 1,260 स्टेप के बाद भी वे उन आँकड़ों से बहुत दूर हैं जिनके साथ नेटवर्क ने
# सीखा। ट्रेनिंग सटीकता भी, 20 एपॉक के बाद 0.7635, उससे कम है जो फ़ीचर एक्सट्रैक्शन ने
# एक एपॉक के बाद वैलिडेशन इमेज पर पाई। यही ImageNet से मिला: ऐसे फ़ीचर जो बिल्लियों और
# कुत्तों को पहले से अलग करते हैं, और ऐसे आँकड़े जो उन पर पहले से बैठते हैं।
#
# ![तीन तरह की ट्रेनिंग, हर एपॉक की सटीकता](../results/from_scratch.png)
#
# (`results/from_scratch.json` में हर एपॉक है। इसे क्लास में नहीं, घर पर चलाएँ: यह सभी
# 2.26 मिलियन वेट ट्रेन करती है, यहाँ लगभग 80 सेकंड प्रति एपॉक।)

# %% [markdown] translates="13a945b1e4e7"
# ## फ़ाइन-ट्यून किया हुआ मॉडल सेव करना
# नोटबुक 05 के लिए, स्प्लिट की id और इस चरण की संख्याओं के साथ।

# %%
saved = stages.save_stage(
    ARTIFACTS_DIR, "fine_tuning", split, model, history=hist_fine,
    epochs=FINE_TUNE_EPOCHS, fine_tune_at=FINE_TUNE_AT, train_seconds=run.seconds(),
)
print("saved", " and ".join(path.name for path in saved))

# %% tags=["course"]
catchup.keep(ARTIFACTS_DIR, "fine_tuning", use_drive=USE_DRIVE)

# %% [markdown] translates="02819abc4045"
# ## अभ्यास
# ये अभ्यास एक पैरामीटर बदलकर उसके असर का अंदाज़ा लगाने से शुरू होते हैं और कोड
# का विस्तार करने तक जाते हैं। हर अभ्यास (exercise) के साथ एक **संकेत (hint)** और
# एक पूरा समझाया हुआ **हल (solution)** है, दोनों छिपे हुए: पहले ख़ुद कोशिश करें,
# फिर *संकेत* या *हल* पर क्लिक करके उन्हें खोलें। हल का कोड तब चलता है जब यह
# नोटबुक ऊपर से पूरी चल चुकी हो (पहले Run All): उसे आख़िर में एक नए सेल में पेस्ट
# करें। वह इस नोटबुक की सेव की हुई कोई भी फ़ाइल नहीं बदलता।

# %% [markdown] translates="086d46043a2f"
# ### अभ्यास 1 (अंदाज़ा लगाएँ): सब कुछ फ़ाइन-ट्यून करें
# `FINE_TUNE_AT = 0` रखें: पूरा बेस ट्रेन होगा। अंदाज़ा लगाएँ: तब कितने वेरिएबल
# ट्रेन होंगे, एक एपॉक तेज़ होगा या धीमा, और वैलिडेशन सटीकता जल्दी सुधरेगी, या
# मॉडल ओवरफ़िट होगा?
#
# <details><summary>संकेत</summary>
#
# MobileNetV2 के हर कन्वोल्यूशन में एक कर्नेल है और कोई बायस नहीं (उसके बाद वाली
# BatchNormalization लेयर ऑफ़सेट रखती है), और BatchNormalization फ़्रीज़ रहती है:
# कन्वोल्यूशन गिनें। समय के लिए: ग्रेडिएंट अब ऊपर की 54 नहीं, सारी 154 लेयरों से
# होकर पीछे जाता है।
#
# </details>
#
# <details><summary>हल</summary>
#
# बेस का हर कन्वोल्यूशन कर्नेल ट्रेन होता है, साथ में हेड का कर्नेल और बायस: 18
# लाख की जगह लगभग 22 लाख वेट। कोड इन्हें 03 के मॉडल की एक नई कॉपी पर गिनता है। अब हर
# स्टेप में ग्रेडिएंट पूरे नेटवर्क से होकर पीछे (आख़िरी लेयर से पहली तक) जाता है,
# इसलिए हर एपॉक धीमा होता है (यहाँ मापा नहीं गया)। शुरुआती लेयर किनारे और बनावट
# निकालती हैं जो किसी भी फ़ोटो पर काम आती हैं; उन्हें
# 2,000 इमेज से दोबारा सीखना शायद ही मदद करता है, और ओवरफ़िटिंग आसान कर देता है:
# उम्मीद करें कि ट्रेनिंग सटीकता वैलिडेशन सटीकता से तेज़ चढ़ेगी, और कर्व में
# वैलिडेशन लॉस पर नज़र रखें। चलाने के लिए: पैरामीटर सेट करें, फिर *Restart Kernel
# and Run All Cells* (20 ट्रेनेबल वेरिएबल वाली जाँच सिर्फ़ `FINE_TUNE_AT == 100`
# पर लागू होती है); बाद में उसे वापस 100 करें और कोर्स के मॉडल पर लौटने के लिए 04,
# और फिर 05, दोबारा चलाएँ।
#
# ```python
# def unfrozen_copy(fine_tune_at):
#     """03's model, loaded again, its base unfrozen from layer ``fine_tune_at``
#     as above (BatchNormalization kept frozen); the notebook's model is untouched."""
#     copy, _ = stages.load_stage(ARTIFACTS_DIR, "feature_extraction", split)
#     base = model_parts.find_base_model(copy)
#     base.trainable = True
#     for layer in base.layers[:fine_tune_at]:
#         layer.trainable = False
#     for layer in base.layers:
#         if isinstance(layer, tf.keras.layers.BatchNormalization):
#             layer.trainable = False
#     return copy
#
#
# everything = unfrozen_copy(0)
# print("trainable variables:", len(everything.trainable_variables))
# print("trainable parameters:",
#       model_parts.count_params(everything.trainable_variables))
# assert len(everything.trainable_variables) == 54  # 52 convolutions + the head
# assert (len(unfrozen_copy(FINE_TUNE_AT).trainable_variables)
#         == len(model.trainable_variables))
# ```
#
# </details>

# %% [markdown] translates="78549e99129c"
# ### अभ्यास 2 (अंदाज़ा लगाएँ): दस गुना बड़ी लर्निंग रेट
# *कम लर्निंग रेट से दोबारा कंपाइल करना* वाले हिस्से के सेल में
# `BASE_LEARNING_RATE` का दसवाँ हिस्सा नहीं, पूरा `BASE_LEARNING_RATE` इस्तेमाल
# करें। फ़ाइन-ट्यूनिंग के पहले एपॉक में क्या होता है?
#
# <details><summary>संकेत</summary>
#
# सेव किए गए रन में वैलिडेशन सटीकता 0.9653 (03 का आख़िरी एपॉक) से फ़ाइन-ट्यूनिंग
# के पहले एपॉक में 0.9740 हुई। अब 18 लाख प्री-ट्रेन्ड वेट दस गुना बड़े स्टेप लेते
# हैं, और उन्हें धकेलने वाला हेड पुराने फ़ीचर के लिए ट्रेन हुआ है।
#
# </details>
#
# <details><summary>हल</summary>
#
# बड़े स्टेप प्री-ट्रेन्ड वेट को उन फ़ीचर से दूर ले जाते हैं जिन पर हेड ट्रेन हुआ
# था: उम्मीद करें कि पहला एपॉक ख़राब होगा, लॉस ज़्यादा होगा, और वैलिडेशन सटीकता
# सँभलने से पहले 03 से भी नीचे जा सकती है, फिर ओवरफ़िटिंग जल्दी होगी। यही
# ट्यूटोरियल की चेतावनी है: बड़ी लर्निंग रेट के साथ "the model could overfit very
# quickly"। (सेव किए गए रन में सिर्फ़ छोटी रेट इस्तेमाल हुई।) कोड 03 के मॉडल की एक नई
# कॉपी पर हर रेट से एक एपॉक ट्रेन करता है और दोनों नतीजे प्रिंट करता है। इस नोटबुक के
# सेव किए गए रन में 2-कोर CPU पर फ़ाइन-ट्यूनिंग का हर एपॉक औसतन 36.8 सेकंड ले रहा था
# (24.9 से 46.4 सेकंड तक), इसलिए दोनों एपॉक मिलाकर सवा मिनट से ज़्यादा लगता है।
#
# ```python
# def unfrozen_copy(fine_tune_at):
#     """03's model, loaded again, its base unfrozen from layer ``fine_tune_at``
#     as above (BatchNormalization kept frozen); the notebook's model is untouched."""
#     copy, _ = stages.load_stage(ARTIFACTS_DIR, "feature_extraction", split)
#     base = model_parts.find_base_model(copy)
#     base.trainable = True
#     for layer in base.layers[:fine_tune_at]:
#         layer.trainable = False
#     for layer in base.layers:
#         if isinstance(layer, tf.keras.layers.BatchNormalization):
#             layer.trainable = False
#     return copy
#
#
# for learning_rate in (BASE_LEARNING_RATE / 10, BASE_LEARNING_RATE):
#     trial = unfrozen_copy(FINE_TUNE_AT)
#     trial.compile(
#         loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
#         optimizer=tf.keras.optimizers.RMSprop(learning_rate=learning_rate),
#         metrics=[tf.keras.metrics.BinaryAccuracy(threshold=0.0, name="accuracy")],
#     )
#     first = trial.fit(train_dataset, epochs=1, validation_data=validation_dataset,
#                       verbose=0).history
#     print(f"learning rate {learning_rate:g}: loss {first['loss'][0]:.4f}, "
#           f"validation accuracy {history['val_accuracy'][-1]:.4f} -> "
#           f"{first['val_accuracy'][0]:.4f}")
# ```
#
# </details>

# %% [markdown] translates="e1e1aaf8f344"
# ### अभ्यास 3 (परखें): एक एपॉक ज़्यादा
# ट्यूटोरियल `initial_epoch=history.epoch[-1]` से आगे बढ़ता है; यह कोर्स
# `len(history.epoch)` से (`training.initial_epoch_after`)। दोनों में कितने एपॉक
# चलते हैं, और उनकी गिनती कैसे होती है? एक छोटे मॉडल पर जाँचें: एक सेकंड लगता है।
#
# <details><summary>संकेत</summary>
#
# `fit(epochs=E, initial_epoch=I)` 0 से गिने जाने वाले क्रमांक I, I+1, ..., E-1
# वाले एपॉक चलाता है: E - I एपॉक। 10 एपॉक के बाद `history.epoch[-1]` क्या है, और
# `len(history.epoch)` क्या?
#
# </details>
#
# <details><summary>हल</summary>
#
# 10 एपॉक के बाद `history.epoch` है `[0, 1, ..., 9]`: `history.epoch[-1]` 9 है,
# `len(history.epoch)` 10। `epochs=20` के साथ ट्यूटोरियल की फ़ाइन-ट्यूनिंग क्रमांक
# 9 से 19 चलाती है: 11 एपॉक, `fine_tune_epochs` से एक *ज़्यादा*, और उसका पहला एपॉक,
# फ़ीचर एक्सट्रैक्शन के आख़िरी एपॉक की तरह, "Epoch 10/20" के रूप में लॉग होता है।
# हमारा रन 10 से 19 चलाता है: ठीक 10, ऊपर की तरह "Epoch 11/20" से "Epoch 20/20" तक
# लॉग। tensorflow.org पर ट्यूटोरियल के नए वर्ज़न में भी यही सुधार है:
# `initial_epoch=len(history.epoch)`।
#
# ```python
# x = np.zeros((8, 1), "float32")
# toy = tf.keras.Sequential([tf.keras.Input((1,)), tf.keras.layers.Dense(1)])
# toy.compile(optimizer="sgd", loss="mse")
# first = toy.fit(x, x, epochs=3, verbose=0)
# tutorial = toy.fit(x, x, epochs=3 + 2, initial_epoch=first.epoch[-1], verbose=0)
# ours = toy.fit(x, x, epochs=3 + 2, initial_epoch=len(first.epoch), verbose=0)
# print("3 epochs, then 2 more. tutorial:", tutorial.epoch, "| ours:", ours.epoch)
# assert len(tutorial.epoch) == 3 and len(ours.epoch) == 2
# ```
#
# </details>

# %% [markdown] translates="8ab42f7cd77e"
# ### अभ्यास 4 (विस्तार करें): सही समय पर रुकना
# फ़ाइन-ट्यूनिंग देर-सबेर ओवरफ़िट होती है। एक `EarlyStopping` कॉलबैक जोड़ें जो
# वैलिडेशन लॉस पर नज़र रखे और सबसे अच्छे वेट रख ले। सेव किए गए रन में वह कब रुकता,
# और आप किस एपॉक का मॉडल रखते?
#
# <details><summary>संकेत</summary>
#
# `tf.keras.callbacks.EarlyStopping(monitor="val_loss", patience=2,
# restore_best_weights=True)` तब रुकता है जब वैलिडेशन लॉस लगातार 2 एपॉक तक नहीं
# सुधरता। `hist_fine["val_loss"]` में इस रन के मान हैं: उन्हें एक-एक करके देखें।
#
# </details>
#
# <details><summary>हल</summary>
#
# सेव किए गए रन में वैलिडेशन लॉस 0.0588 (एपॉक 13) तक गिरा, बढ़ा (14), 0.0524 (15)
# तक गिरा, फिर दो बार बढ़ा (16 और 17): `patience=2` के साथ ट्रेनिंग एपॉक 17 के बाद
# रुकती है और एपॉक 15 के वेट वापस ले आती है, जिसकी वैलिडेशन सटीकता 0.9790 है,
# आख़िरी एपॉक की 0.9752 के बजाय। `patience=3` के साथ यह अंत तक चलती है और एपॉक 19
# वापस लाती है (0.0502, सबसे कम लॉस; सटीकता 0.9802)। patience दो चीज़ों के बीच सौदा
# है: समय की बचत, और यह जोखिम कि ट्रेनिंग वैलिडेशन लॉस के किसी अस्थायी उछाल पर ही रुक
# जाए, जबकि लॉस उसके बाद फिर घटता। कोड पहले ऊपर की हिस्ट्री पर यही नियम दोहराकर
# दिखाता है।
#
# `early_stopping` को *ट्रेनिंग जारी रखना* वाले हिस्से के `fit` में न जोड़ें: ट्रेनिंग
# जल्दी रुके तो उस `fit` के बाद की जाँच (`hist_fine["epoch"]` में एपॉक 11 से 20 तक
# सब हों) फ़ेल हो जाती है, कुछ सेव नहीं होता, और 05 को कोई मॉडल नहीं मिलता। इसे सचमुच
# आज़माने के लिए कोड फिर 03 के मॉडल की एक नई कॉपी को `early_stopping` के साथ
# फ़ाइन-ट्यून करता है (ज़्यादा से ज़्यादा ऊपर की फ़ाइन-ट्यूनिंग जितनी देर) और कुछ सेव
# नहीं करता: नोटबुक का मॉडल और उसका सेव किया हुआ चरण जैसे हैं वैसे ही रहते हैं।
# `restore_best_weights=True` कॉपी में उसके सबसे अच्छे एपॉक के वेट छोड़ता है, चाहे
# ट्रेनिंग जल्दी रुकी हो या अंत तक चली हो। उसके नतीजे सेव किए गए रन वाले नहीं होंगे:
# नया रन इमेज को अलग ढंग से ऑगमेंट और शफ़ल करता है। एक सावधानी: वैलिडेशन सेट पर
# एपॉक चुनने से वैलिडेशन सटीकता थोड़ी और आशावादी हो जाती है (05 बताती है कि टेस्ट सेट
# को इससे बाहर क्यों रखा जाता है)।
#
# ```python
# early_stopping = tf.keras.callbacks.EarlyStopping(
#     monitor="val_loss", patience=2, restore_best_weights=True)
#
#
# def replay_early_stopping(val_loss, patience):
#     # the index of the epoch EarlyStopping stops after, and of the best epoch
#     best, wait = 0, 0
#     for i in range(1, len(val_loss)):
#         if val_loss[i] < val_loss[best]:
#             best, wait = i, 0
#         else:
#             wait += 1
#             if wait >= patience:
#                 return i, best
#     return len(val_loss) - 1, best
#
#
# for patience in (2, 3):
#     stop, best = replay_early_stopping(hist_fine["val_loss"], patience)
#     print(f"patience {patience}: stops after epoch {hist_fine['epoch'][stop] + 1},"
#           f" keeps epoch {hist_fine['epoch'][best] + 1} (validation accuracy "
#           f"{hist_fine['val_accuracy'][best]:.4f})")
#
#
# def unfrozen_copy(fine_tune_at):
#     """03's model, loaded again, its base unfrozen from layer ``fine_tune_at``
#     as above (BatchNormalization kept frozen); the notebook's model is untouched."""
#     copy, _ = stages.load_stage(ARTIFACTS_DIR, "feature_extraction", split)
#     base = model_parts.find_base_model(copy)
#     base.trainable = True
#     for layer in base.layers[:fine_tune_at]:
#         layer.trainable = False
#     for layer in base.layers:
#         if isinstance(layer, tf.keras.layers.BatchNormalization):
#             layer.trainable = False
#     return copy
#
#
# trial = unfrozen_copy(FINE_TUNE_AT)
# trial.compile(
#     loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
#     optimizer=tf.keras.optimizers.RMSprop(learning_rate=BASE_LEARNING_RATE / 10),
#     metrics=[tf.keras.metrics.BinaryAccuracy(threshold=0.0, name="accuracy")],
# )
# stopped = trial.fit(train_dataset, epochs=total_epochs, initial_epoch=initial_epoch,
#                     validation_data=validation_dataset, callbacks=[early_stopping],
#                     verbose=VERBOSE)
# best = int(np.argmin(stopped.history["val_loss"]))
# print(f"the copy trained {len(stopped.epoch)} of {FINE_TUNE_EPOCHS} epochs and "
#       f"kept epoch {stopped.epoch[best] + 1} (validation accuracy "
#       f"{stopped.history['val_accuracy'][best]:.4f})")
# kept = trial.evaluate(validation_dataset, verbose=0, return_dict=True)
# assert np.isclose(kept["loss"], stopped.history["val_loss"][best], rtol=1e-3)
# ```
#
# </details>

# %% [markdown] translates="9056d446f7c9"
# अगली नोटबुक: [05_evaluation](05_evaluation.ipynb)।
