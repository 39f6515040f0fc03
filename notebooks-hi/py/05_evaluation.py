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

# %% [markdown] translates="b7729c1cb556"
# # 5. मूल्यांकन, और मॉडल का इस्तेमाल

# %% [markdown]
# <table class="tfo-notebook-buttons" align="left">
#   <td><a target="_blank" href=
#   "https://colab.research.google.com/github/tl-course/transfer-learning-course/blob/v1.1.0/notebooks-hi/05_evaluation.ipynb">
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
#   "https://github.com/tl-course/transfer-learning-course/blob/v1.1.0/notebooks-hi/05_evaluation.ipynb">
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
#   "https://raw.githubusercontent.com/tl-course/transfer-learning-course/v1.1.0/notebooks-hi/05_evaluation.ipynb">
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
# English: [05_evaluation](../notebooks/05_evaluation.ipynb)

# %% [markdown] translates="4a30ba7085ae"
# टेस्ट सेट (test set) नोटबुक 01 में अलग रख दिया गया था, और उसे न ट्रेनिंग में
# इस्तेमाल किया गया, न कोई सेटिंग चुनने में। इसलिए वह नई फ़ोटो पर मॉडल के प्रदर्शन
# का ईमानदार अनुमान देता है। इस नोटबुक में हम उसे मापते हैं (यही मूल्यांकन
# (evaluation) है), देखते हैं कि मॉडल कहाँ ग़लती करता है, उसे अपनी इमेज पर आज़माते
# हैं, फ़ोन के लिए एक्सपोर्ट (export) करते हैं, और Grad-CAM से देखते हैं कि वह
# इमेज में *कहाँ* देखता है।

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
import shutil

import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from IPython.display import display
from PIL import Image

from helpers import (
    artifacts,
    catchup,
    evaluation,
    model_parts,
    pipeline,
    plots,
    session,
    splits,
    stages,
)

# %% [markdown] translates="a4adc163af74"
# सेटिंग: ट्यूटोरियल का बैच साइज़, और आपकी अपनी फ़ोटो।

# %% tags=["parameters"]
BATCH_SIZE = 32
OWN_IMAGES = None  # a path, or a folder, of your own photos to classify

# %% jupyter={"source_hidden": true} tags=["course", "switches"]
# Course switches (the tutorial has none; docs/course-cells.md explains each). An
# environment variable TL_<NAME> (TL_ARTIFACTS_DIR) wins over a value here.
ARTIFACTS_DIR = "../artifacts"  # where each notebook saves what the next one loads
CATCH_UP = True  # an earlier notebook's work is missing: fetch or make it
USE_DRIVE = False  # on Colab: keep that work in Google Drive between sessions

# %% jupyter={"source_hidden": true} tags=["course"]
session.setup_notebook()  # the course's own errors as one readable line
ARTIFACTS_DIR = artifacts.get_artifacts_dir(ARTIFACTS_DIR)
print(session.describe_runtime("05"))

# %% [markdown] translates="de7edc0e637c"
# **अगर आप यहीं से शुरू कर रहे हैं**, तो [01_data](01_data.ipynb) और
# [04_fine_tuning](04_fine_tuning.ipynb) जो सेव करती हैं, उसे अगला सेल ले आता है या
# बना लेता है ([कैसे](../docs/course-cells.md#if-you-start-here))।

# %% tags=["course"]
print(catchup.ensure_stage("fine_tuning", ARTIFACTS_DIR, CATCH_UP, USE_DRIVE))

# %% [markdown] translates="6aa37d229032"
# फ़ाइन-ट्यून किया हुआ मॉडल और टेस्ट सेट। मॉडल इसी स्प्लिट पर ट्रेन हुआ होना
# चाहिए: अगर उसके बाद 01 दूसरी सेटिंग से दोबारा चली है, तो यह सेल बता देता है (तब
# टेस्ट इमेज में वे इमेज भी हो सकती हैं जिन पर मॉडल का वैलिडेशन हुआ था)।
#
# **यहाँ आ सकने वाले एरर:**
#
# - `MissingArtifactError: ... Run the notebook 04_fine_tuning first`: पहले वह
#   नोटबुक चलाएँ जिसका नाम मैसेज में है।
# - `ArtifactMismatchError: The model saved by ... was trained on another split`:
#   मॉडल की ट्रेनिंग के बाद 01 दूसरी सेटिंग से चली है: 01 के बाद की नोटबुक दोबारा
#   चलाएँ (मैसेज बताता है कौन-सी), या 01 को पुरानी सेटिंग से।
# - `UnusableArtifactError: ... cannot be used`: सेव की हुई फ़ाइल अधूरी या बदली
#   हुई है: मैसेज में जिस नोटबुक का नाम है, उसे दोबारा चलाएँ।

# %%
split = splits.load_split(ARTIFACTS_DIR)
model, finetuned = stages.load_stage(ARTIFACTS_DIR, "fine_tuning", split)
class_names = split.class_names
IMG_SIZE = split.image_size
test_dataset = pipeline.make_dataset(split.test, IMG_SIZE, BATCH_SIZE)
validation_dataset = pipeline.make_dataset(split.validation, IMG_SIZE, BATCH_SIZE)

# %% [markdown] translates="a92028312506"
# ## टेस्ट सटीकता

# %%
test_loss, test_accuracy = model.evaluate(test_dataset, verbose=0)
print(f"Test loss: {test_loss:.4f}")
print(f"Test accuracy: {test_accuracy:.4f}")

# %% [markdown] translates="2b9580c8cfd5"
# ### टेस्ट सटीकता वैलिडेशन सटीकता से कम क्यों रहती है
# दो कारण हैं। पहला, ट्रेनिंग के दौरान वैलिडेशन सेट पर *नज़र रखी गई*: एपॉक की संख्या,
# लर्निंग रेट और `FINE_TUNE_AT` इस आधार पर चुने गए कि वैलिडेशन सेट पर वे अच्छे दिखें
# (ट्यूटोरियल के लेखकों ने चुने, और अगर आपने सेटिंग आज़माईं तो आपने भी), इसलिए उस सेट
# की सटीकता (accuracy) थोड़ी ज़्यादा आशावादी है। दूसरा, 192 टेस्ट इमेज छोटा नमूना है:
# हर इमेज सटीकता का आधा प्रतिशत अंक (percentage point) है, और *n* इमेज पर मापी गई
# सटीकता की अनिश्चितता, यानी मानक त्रुटि (standard error), लगभग
# `sqrt(p * (1 - p) / n)` होती है।

# %%
n_test = len(split.test)
standard_error = (test_accuracy * (1 - test_accuracy) / n_test) ** 0.5
print(f"{n_test} test images: one image = {100 / n_test:.2f} points; accuracy "
      f"{test_accuracy:.3f} +/- {standard_error:.3f} (one standard error)")

# %% [markdown] translates="94838155fe8e"
# ## एक बैच पर प्रेडिक्शन
# ट्यूटोरियल का कोड। मॉडल लॉजिट (logit) देता है; सिग्मॉइड (sigmoid) लॉजिट को क्लास
# 1 (dogs) की प्रायिकता (probability) में बदलता है, और 0.5 से ऊपर का मतलब है
# कुत्ता। (यही बात ऐसे भी: 0 से ऊपर का लॉजिट।) प्रेडिक्शन (prediction) यानी किसी
# इमेज पर मॉडल का जवाब। इमेज के ऊपर प्रेडिक्ट की गई क्लास का नाम अंग्रेज़ी में
# दिखेगा (`cats` या `dogs`), क्योंकि क्लास के नाम डेटासेट के फ़ोल्डरों के नाम हैं।

# %%
image_batch, label_batch = test_dataset.as_numpy_iterator().next()
predictions = model.predict_on_batch(image_batch).flatten()

# Apply a sigmoid since our model returns logits
predictions = tf.nn.sigmoid(predictions)
predictions = tf.where(predictions < 0.5, 0, 1)

print("Predictions:\n", predictions.numpy())
print("Labels:\n", label_batch)

plt.figure(figsize=(10, 10))
for i in range(min(9, len(image_batch))):
    ax = plt.subplot(3, 3, i + 1)
    plt.imshow(image_batch[i].astype("uint8"))
    plt.title(class_names[predictions[i]])
    plt.axis("off")
plt.show()

# %% [markdown] translates="1691acf8e5a9"
# ## मॉडल ग़लती कहाँ करता है?
# यह ट्यूटोरियल से आगे की बात है। *कन्फ़्यूज़न मैट्रिक्स (confusion matrix)*
# (`tf.math.confusion_matrix`) हर असली क्लास के लिए गिनता है कि कौन-सी क्लास कितनी
# बार प्रेडिक्ट हुई। किसी क्लास का *प्रिसिज़न (precision)*: जिन इमेज को मॉडल ने उस
# क्लास का बताया, उनमें से कितनी सचमुच उस क्लास की हैं। *रीकॉल (recall)*: उस क्लास
# की सारी इमेज में से मॉडल ने कितनी पहचानीं। *F1 स्कोर* दोनों को मिलाता है। ध्यान
# दें: प्रिसिज़न और सटीकता अलग-अलग चीज़ें हैं; सटीकता सारी इमेज पर सही जवाबों का
# हिस्सा है।
#
# प्लॉट में `Predicted class` = प्रेडिक्ट की गई क्लास, `True class` = असली क्लास,
# `Test set` = टेस्ट सेट। नीचे की तालिका में `support` = उस क्लास की इमेज की
# गिनती।

# %%
labels, logits, images = evaluation.predict_logits(model, test_dataset)
probabilities = evaluation.sigmoid(logits)
predicted = (probabilities > 0.5).astype(int)
matrix = evaluation.confusion_matrix(labels, predicted, len(class_names))
assert matrix.sum() == len(split.test)
assert np.trace(matrix) / matrix.sum() == np.mean(predicted == labels)
fig = plots.plot_confusion_matrix(matrix, class_names, "Test set")
plt.show()
print(evaluation.format_metrics(evaluation.per_class_metrics(matrix, class_names)))

# %% [markdown] translates="f6a0953fe1d8"
# यही, पूरे वैलिडेशन फ़ोल्डर पर (प्लॉट का शीर्षक `Whole validation folder`;
# वैलिडेशन और टेस्ट मिलाकर, असली डेटा पर 1,000 इमेज): इमेज ज़्यादा हैं, इसलिए अनुमान
# ज़्यादा स्थिर है, लेकिन ट्रेनिंग के दौरान वैलिडेशन इमेज पर नज़र रखी गई थी, इसलिए यह
# थोड़ा आशावादी है।

# %%
val_labels, val_logits, _ = evaluation.predict_logits(model, validation_dataset)
all_labels = np.concatenate([labels, val_labels])
all_predicted = (np.concatenate([logits, val_logits]) > 0).astype(int)
full_matrix = evaluation.confusion_matrix(all_labels, all_predicted, len(class_names))
fig = plots.plot_confusion_matrix(full_matrix, class_names, "Whole validation folder")
plt.show()
print(evaluation.format_metrics(evaluation.per_class_metrics(full_matrix, class_names)))

# %% [markdown] translates="78da0e30e062"
# ## "dog" की ओर झुकाव, और वैलिडेशन पर चुना गया थ्रेशोल्ड
# ग़लतियाँ दोनों तरफ़ बराबर नहीं हैं। सेव किए गए रन में, पूरे वैलिडेशन फ़ोल्डर पर
# 26 बिल्लियों को कुत्ता कहा गया और 6 कुत्तों को बिल्ली; अकेले 808 वैलिडेशन इमेज
# पर, 17 और 3। क्यों? 06 वही लेयर उन्हीं ऑप्टिमाइज़र, लर्निंग रेट, एपॉक,
# BatchNormalization फ़्रीज़ और थ्रेशोल्ड के साथ ट्रेन करती है; फ़र्क़ सिर्फ़
# ऑगमेंटेशन का है (06 इमेज को जैसी हैं वैसी कैश करती है, 04 उन्हें हर एपॉक में नए
# सिरे से फ़्लिप और रोटेट करती है)। पाँच सीड में मिलाकर 06 के मॉडल ने 41 बिल्लियों
# को कुत्ता कहा और 36 कुत्तों को बिल्ली: कोई झुकाव नहीं। यानी झुकाव शायद ऑगमेंटेशन
# के साथ आता है, और `scripts/dog_lean.py` इसे सीधे 06 के तेज़ रास्ते पर जाँचती है,
# ऑगमेंटेड कॉपी के साथ और उनके बिना। हर इमेज की तीन ऑगमेंटेड कॉपी के साथ तेज़ रास्ते
# ने 11 बिल्लियों को कुत्ता कहा और 7 कुत्तों को बिल्ली, जबकि उनके बिना 8 और 8,
# उसी सीड के लिए (`results/dog_lean.json`); तीन सीड (123-125) में मिलाकर कॉपी के
# साथ 26 और 22, उनके बिना 19 और 27: ऑगमेंटेशन कुछ ग़लतियों को "dog" की ओर
# खिसकाता है, पर 04 के 17 और 3 जितना नहीं। यानी ऑगमेंटेशन
# ज़्यादा-से-ज़्यादा झुकाव का एक हिस्सा समझाता है। बाक़ी यहाँ मापा नहीं गया: 04
# दोनों चरणों के हर एपॉक में नए सिरे से ऑगमेंट करती है, और एक ही बार चली है, इसलिए
# हो सकता है कि यह अकेला मॉडल अपने तरीक़े (recipe) से ज़्यादा झुकता हो (03 और 04
# की सीड वाली जाँच में CPU पर लगभग 40 मिनट लगेंगे)। कारण जाने बिना क्या किया जा
# सकता है, वह नीचे है।
#
# 0 का लॉजिट (0.5 की प्रायिकता) बस एक परिपाटी है: ट्रेनिंग में ऐसा कुछ नहीं जो उसे
# सबसे कम ग़लतियों वाला थ्रेशोल्ड बनाए। हम उसे खिसका सकते हैं, पर यह चुनाव लर्निंग
# रेट जैसी एक सेटिंग है, इसलिए यह **वैलिडेशन** इमेज पर किया जाता है और फिर टेस्ट
# इमेज पर **एक बार** मापा जाता है। इसे टेस्ट इमेज पर चुनने से टेस्ट सटीकता
# आशावादी हो जाएगी, जैसे वैलिडेशन सटीकता है।

# %%
thresholds = np.linspace(-4, 4, 161)
errors = evaluation.count_errors_by_threshold(val_labels, val_logits, thresholds)
chosen = evaluation.choose_threshold(val_labels, val_logits)
fig = plots.plot_threshold_errors(
    thresholds, errors, class_names, {"0, the default": 0.0, "chosen": chosen}
)
plt.title("Validation images (the test images are not looked at)")
plt.show()
cat, dog = class_names
print(f"threshold  images      accuracy  {cat} called {dog}  {dog} called {cat}")
for threshold in (0.0, chosen):
    for part, part_labels, part_logits in (
        ("validation", val_labels, val_logits), ("test", labels, logits)
    ):
        (cats_wrong, dogs_wrong), = evaluation.count_errors_by_threshold(
            part_labels, part_logits, [threshold]
        )
        accuracy = 1 - (cats_wrong + dogs_wrong) / len(part_labels)
        print(f"{threshold:>+9.2f}  {part:<10}  {accuracy:.4f}  {cats_wrong:>15}  "
              f"{dogs_wrong:>15}")
print(f"chosen on validation: a logit of {chosen:+.2f}, "
      f"a probability of {float(evaluation.sigmoid(chosen)):.2f}")

# %% [markdown] translates="64c00e411130"
# सेव किए गए रन में, वैलिडेशन इमेज पर चुना गया थ्रेशोल्ड +1.05 का लॉजिट था, यानी
# "dog" की प्रायिकता 0.74। वैलिडेशन इमेज पर इसके साथ 9 बिल्लियों को कुत्ता कहा गया
# और 5 कुत्तों को बिल्ली, पहले के 17 और 3 की जगह (सटीकता 0.9752 -> 0.9827,
# आशावादी: थ्रेशोल्ड वहीं चुना गया था)। टेस्ट इमेज पर, एक बार मापा गया: 7 और 5,
# पहले के 9 और 3 की जगह; सटीकता वही, 0.9375। नए थ्रेशोल्ड ने दोनों तरह की
# ग़लतियों को बराबर कर दिया, पर मॉडल को नई इमेज पर ज़्यादा सटीक नहीं बनाया; 192
# इमेज पर किसी भी तरफ़ दो इमेज का फ़र्क़ शोर (noise) के भीतर है (06 इसे मापती है:
# अकेले सीड टेस्ट सटीकता को 3 इमेज तक खिसका देते हैं)। थ्रेशोल्ड इस हिसाब से चुनें
# कि आपके लिए हर ग़लती की क़ीमत क्या है (अगर बिल्ली को कुत्ता कहना ज़्यादा महँगा
# है, तो उसे ऊपर ले जाएँ), वैलिडेशन डेटा पर, और उसे टेस्ट इमेज पर कभी ट्यून न
# करें।

# %% [markdown] translates="25703138a445"
# ## ग़लतियाँ: सबसे ज़्यादा कॉन्फ़िडेंस वाली पहले
# हर शीर्षक में: असली क्लास (`true`), प्रेडिक्ट की गई क्लास (`said`), और
# `confidence`: अपने (ग़लत) प्रेडिक्शन पर मॉडल का कॉन्फ़िडेंस (confidence), यानी
# उसे कितना भरोसा था। पैटर्न ढूँढें: एक फ़ोटो में कई जानवर, अजीब ढंग से कटी फ़ोटो,
# फ़ोटो की जगह रेखाचित्र। ये टेस्ट इमेज हैं, इसलिए हम सिर्फ़ देखते हैं: इन्हें इसलिए
# हटाना कि मॉडल उन पर ग़लत था, टेस्ट के स्कोर को झूठा अच्छा दिखाएगा। 06 का चौथा
# प्रयोग, "लेबल ठीक करना", ऐसी ग़लतियों पर वहाँ काम करता है जहाँ ग़लत लेबल नुक़सान
# करता है: ट्रेनिंग इमेज में।

# %%
mistakes = evaluation.rank_mistakes(labels, probabilities)
print(f"{len(mistakes)} of {len(labels)} test images misclassified")
titles = [
    f"true {class_names[labels[i]]}, said {class_names[predicted[i]]}\n"
    f"confidence {max(probabilities[i], 1 - probabilities[i]):.0%}"
    for i in mistakes[:9]
]
if len(mistakes):
    fig = plots.show_images(images[mistakes[:9]], titles)
    plt.show()

# %% [markdown] translates="622795f01420"
# ## आपकी अपनी इमेज
# `predict_files` एक फ़ाइल, फ़ाइलों की सूची या एक फ़ोल्डर लेता है (JPEG, PNG,
# ग्रेस्केल, RGBA, कोई भी साइज़) और हर फ़ाइल के लिए एक क्लास और एक प्रायिकता
# लौटाता है। जो फ़ाइल इमेज नहीं है, उसे उसका अपना एरर मिलता है; बाक़ी फ़ाइलों का
# प्रेडिक्शन फिर भी होता है। यहाँ एक छोटा डेमो फ़ोल्डर है: दो टेस्ट इमेज, एक
# ग्रेस्केल PNG कॉपी, और एक टेक्स्ट फ़ाइल जो JPEG होने का दिखावा करती है। अपनी
# इमेज आज़मानी हों तो `OWN_IMAGES` में अपना पाथ लिखें।

# %%
demo_dir = ARTIFACTS_DIR / "own_images_demo"
shutil.rmtree(demo_dir, ignore_errors=True)
demo_dir.mkdir()
for path in split.test.paths[:2]:
    shutil.copy(path, demo_dir / os.path.basename(path))
with Image.open(split.test.paths[2]) as photo:
    photo.convert("L").save(demo_dir / "grayscale.png")
(demo_dir / "not_a_photo.jpg").write_text("this is text, not an image")

results = evaluation.predict_files(model, OWN_IMAGES or demo_dir, class_names,
                                   IMG_SIZE)
print(evaluation.format_predictions(results))

# %% [markdown] translates="81ea6082e3fe"
# या फ़ोटो अपलोड करें: नीचे एक फ़ाइल पिकर आता है (JupyterLab में भी और Colab पर
# भी), और प्रेडिक्शन उसी के नीचे प्रिंट होते हैं। "Run all" इसके लिए रुकता नहीं;
# अपलोड की गई फ़ाइलें आर्टिफ़ैक्ट फ़ोल्डर (artifacts folder) में सेव होती हैं।

# %%
display(evaluation.make_upload_widget(model, class_names, IMG_SIZE,
                                      ARTIFACTS_DIR / "uploads"))

# %% [markdown] translates="74dc326b98c9"
# ## मॉडल को बाहर भेजना: `.keras` और TensorFlow Lite
# Keras की अपनी `.keras` फ़ाइल Keras चलने वाली किसी भी जगह दोबारा लोड हो जाती है:
# नीचे सादे `tf.keras.models.load_model` से। फ़ोन के लिए TensorFlow Lite: एक
# float32 कन्वर्ज़न, और एक *डायनैमिक-रेंज क्वांटाइज़ (dynamic-range quantized)*
# किया हुआ, जो वेट (weight) को 8-बिट पूर्णांकों में रखता है (लगभग 4 गुना छोटा)।
# इसे क्वांटाइज़ेशन (quantization) कहते हैं। एक्सपोर्ट में ऑगमेंटेशन लेयर हटा दी
# जाती हैं, जो प्रेडिक्शन के समय वैसे भी कुछ नहीं करतीं। हम दोनों की तुलना टेस्ट
# सेट पर Keras मॉडल से करते हैं: कितनी बार वे वही क्लास प्रेडिक्ट करते हैं, और
# प्रायिकता में सबसे बड़ा अंतर कितना है।
#
# तालिका में `format` = फ़ॉर्मैट, `size (MB)` = साइज़, `same class` = Keras मॉडल
# वाली ही क्लास, `max |dp|` = प्रायिकता का सबसे बड़ा अंतर।

# %%
keras_path = stages.model_path(ARTIFACTS_DIR, "evaluation")
inference_model = evaluation.make_inference_model(model)
artifacts.save_model(inference_model, keras_path)
reloaded = tf.keras.models.load_model(keras_path)
keras_probs = evaluation.sigmoid(reloaded.predict(images, verbose=0).flatten())
assert np.allclose(keras_probs, probabilities, atol=1e-5)

rows = [("Keras (.keras)", keras_path, keras_probs)]
for label, quantize in (("TFLite float32", False), ("TFLite dynamic-range", True)):
    suffix = "_quant" if quantize else ""
    path = evaluation.export_tflite(
        inference_model, ARTIFACTS_DIR / f"cats_vs_dogs{suffix}.tflite", quantize
    )
    interpreter = evaluation.load_tflite(path)
    probs = evaluation.sigmoid(evaluation.predict_tflite(interpreter, images))
    rows.append((label, path, probs))

print(f"{'format':<22}{'size (MB)':>10}{'same class':>12}{'max |dp|':>10}")
for label, path, probs in rows:
    same = np.mean((probs > 0.5) == (keras_probs > 0.5))
    print(f"{label:<22}{path.stat().st_size / 1e6:>10.2f}{same:>12.1%}"
          f"{np.abs(probs - keras_probs).max():>10.4f}")

# %% [markdown] translates="852246df3c34"
# ## मॉडल देखता क्या है? Grad-CAM
# Grad-CAM यह पूछता है: बेस के आख़िरी फ़ीचर ग्रिड (`out_relu`, यहाँ 5x5x1280) के
# कौन-से हिस्से प्रेडिक्ट की गई क्लास का स्कोर सबसे ज़्यादा बढ़ाते हैं? यह 1280
# फ़ीचर मैप (feature map) का भारित योग (weighted sum) निकालता है, जिसमें हर मैप को उस
# स्कोर के, उस मैप के सापेक्ष, ग्रेडिएंट (gradient) से तौला जाता है। हम keras-io के
# Grad-CAM उदाहरण को क़दम-दर-क़दम अपनाते हैं, और यहाँ का कोड उसी से लिया और बदला गया
# है: François Chollet का
# [Grad-CAM class activation visualization](https://keras.io/examples/vision/grad_cam/)।
# पहले, क्लासिफ़ायर को तीन हिस्सों में बाँटते हैं: बेस से पहले की लेयर, बेस, और उसके
# बाद का हेड।

# %%
base_model = model_parts.find_base_model(model)
index = model.layers.index(base_model)
before_base, after_base = model.layers[1:index], model.layers[index + 1:]
print([layer.name for layer in before_base], "->", base_model.name, "->",
      [layer.name for layer in after_base])

# %% [markdown] translates="3afc5bd063e6"
# तीन इमेज जिन पर मॉडल सही रहा, और ज़्यादा-से-ज़्यादा तीन जिन पर ग़लत। एक
# ग्रेडिएंट टेप (`tf.GradientTape`) बेस के आउटपुट से लॉजिट तक का फ़ॉरवर्ड पास
# रिकॉर्ड करता है। एक ही लॉजिट होने से, प्रेडिक्ट की गई क्लास का स्कोर ख़ुद लॉजिट
# होता है जब मॉडल "dog" कहे (धनात्मक लॉजिट), और माइनस लॉजिट जब वह "cat" कहे।

# %%
correct = np.flatnonzero(predicted == labels)[:3]
chosen = np.concatenate([correct, mistakes[:3]]).astype(int)
x = tf.convert_to_tensor(images[chosen])
for layer in before_base:
    x = layer(x, training=False)
with tf.GradientTape() as tape:
    last_conv_layer_output = base_model(x, training=False)
    tape.watch(last_conv_layer_output)
    preds = last_conv_layer_output
    for layer in after_base:
        preds = layer(preds, training=False)
    class_channel = tf.abs(preds[:, 0])  # the predicted class's score

# %% [markdown] translates="45a4f7fc03d8"
# हर फ़ीचर मैप के सापेक्ष उस स्कोर का ग्रेडिएंट, 5x5 ग्रिड पर औसत लेकर, बताता है
# कि 1280 मैप में से हर एक कितना मायने रखता है। हीटमैप (heatmap) इन मैप का भारित
# योग है, जिसमें ऋणात्मक मान काटकर हटा दिए जाते हैं और बाक़ी को [0, 1] में
# लाया जाता है।

# %%
grads = tape.gradient(class_channel, last_conv_layer_output)
pooled_grads = tf.reduce_mean(grads, axis=(1, 2))
heatmap = tf.einsum("bhwc,bc->bhw", last_conv_layer_output, pooled_grads)
heatmap = tf.maximum(heatmap, 0)
heatmap = tf.math.divide_no_nan(heatmap,
                                tf.reduce_max(heatmap, axis=(1, 2), keepdims=True))
assert heatmap.shape == (len(chosen), IMG_SIZE[0] // 32, IMG_SIZE[1] // 32)
assert float(tf.reduce_min(heatmap)) >= 0 and float(tf.reduce_max(heatmap)) <= 1

# %% [markdown] translates="51e080ee5d08"
# इमेज के साइज़ तक फैलाकर इमेज के ऊपर रखा हुआ: लाल हिस्सों ने फ़ैसला तय किया। सही
# "dog" वाली इमेज पर आप चाहेंगे कि कुत्ता चमके, सोफ़ा नहीं; ग़लती में अक्सर कोई
# ग़लत चीज़ चमकती है। (शीर्षक में `ok` = सही, `WRONG` = ग़लत, `said` = मॉडल ने
# कहा।)

# %%
heatmaps = tf.image.resize(heatmap[..., None], IMG_SIZE)[..., 0]
verdicts = ["ok" if predicted[i] == labels[i] else "WRONG" for i in chosen]
titles = [f"{v}: said {class_names[predicted[i]]}" for v, i in zip(verdicts, chosen)]
fig = plots.show_heatmaps(images[chosen], heatmaps, titles)
plt.show()

# %% [markdown] translates="bc1bd95d7d59"
# वे संख्याएँ जो reproduce स्क्रिप्ट इकट्ठा करती है।

# %%
saved = stages.save_stage(
    ARTIFACTS_DIR, "evaluation", split,
    test_loss=test_loss, test_accuracy=test_accuracy, test_files=split.test.paths,
    test_confusion_matrix=matrix, validation_folder_confusion_matrix=full_matrix,
    tflite={label: {"bytes": path.stat().st_size,
                    "agreement": float(np.mean((p > 0.5) == (keras_probs > 0.5)))}
            for label, path, p in rows},
)
print("saved", saved[-1].name)

# %% [markdown] translates="66ecd2ac15b9"
# ## हमने क्या किया, और आगे कहाँ
# ImageNet पर ट्रेन हुए नेटवर्क को दोबारा इस्तेमाल करने के दो तरीक़े:
#
# - **फ़ीचर एक्सट्रैक्शन (feature extraction)** (03): पूरे बेस को फ़्रीज़ करें और
#   उसके फ़ीचर पर एक नया हेड ट्रेन करें। तेज़, कम डेटा में काम चलता है, और
#   ओवरफ़िटिंग मुश्किल से होती है: यहीं से शुरू करें, और जब आपकी इमेज ImageNet की
#   फ़ोटो जैसी हों (पालतू जानवर, चीज़ें, दृश्य) तो यहीं रुक जाएँ।
# - **फ़ाइन-ट्यूनिंग (fine-tuning)** (04): हेड ट्रेन हो जाने के बाद बेस का ऊपरी
#   हिस्सा अनफ़्रीज़ करें और दस गुना कम लर्निंग रेट से ट्रेनिंग जारी रखें। यह सबसे
#   ख़ास फ़ीचर को आपकी क्लासों के हिसाब से ढालती है: ज़्यादा डेटा हो, या इमेज
#   ImageNet से अलग हों (एक्स-रे, सैटेलाइट इमेज, रेखाचित्र), तब इसका फ़ायदा है। इसमें
#   ओवरफ़िटिंग ज़्यादा आसानी से होती है: वैलिडेशन लॉस पर नज़र रखें।
#
# आगे कहाँ: आपकी अपनी क्लास और फ़ोल्डर, जिनमें दो से ज़्यादा क्लास हों तो
# सॉफ़्टमैक्स (softmax) हेड और `SparseCategoricalCrossentropy` चाहिए (नोटबुक 07);
# `tf.keras.applications` के दूसरे बेस (EfficientNet, ConvNeXt: हर एक का अपना
# `preprocess_input`), TensorFlow Hub / Kaggle के मॉडल, और `trainable` व
# BatchNormalization की बारीकियों के लिए Keras की गाइड "Transfer learning &
# fine-tuning"।

# %% [markdown] translates="02819abc4045"
# ## अभ्यास
# ये अभ्यास एक पैरामीटर बदलकर उसके असर का अंदाज़ा लगाने से शुरू होते हैं और कोड
# का विस्तार करने तक जाते हैं। हर अभ्यास (exercise) के साथ एक **संकेत (hint)** और
# एक पूरा समझाया हुआ **हल (solution)** है, दोनों छिपे हुए: पहले ख़ुद कोशिश करें,
# फिर *संकेत* या *हल* पर क्लिक करके उन्हें खोलें। हल का कोड तब चलता है जब यह
# नोटबुक ऊपर से पूरी चल चुकी हो (पहले Run All): उसे आख़िर में एक नए सेल में पेस्ट
# करें। वह इस नोटबुक की सेव की हुई कोई भी फ़ाइल नहीं बदलता।

# %% [markdown] translates="bced4d114b60"
# ### अभ्यास 1 (अंदाज़ा लगाएँ): कुत्तों के लिए सख़्त थ्रेशोल्ड
# किसी इमेज को "dog" तभी कहें जब मॉडल की प्रायिकता 0.5 की जगह 0.9 से ऊपर हो।
# अंदाज़ा लगाएँ: dog क्लास का प्रिसिज़न और रीकॉल कैसे बदलेंगे? और cat क्लास के?
#
# <details><summary>संकेत</summary>
#
# ऊँचा थ्रेशोल्ड कम इमेज को "dog" कहता है। dogs का प्रिसिज़न: जिन्हें dog कहा गया,
# उनमें से कितने सचमुच कुत्ते हैं। dogs का रीकॉल: सारे कुत्तों में से कितनों को
# dog कहा गया।
#
# </details>
#
# <details><summary>हल</summary>
#
# कम इमेज dog कहलाती हैं: dog का रीकॉल घटता है (या वैसा ही रहता है), क्योंकि 0.5 से
# 0.9 के बीच की प्रायिकता वाले कुत्ते अब cat कहलाते हैं, और वह कभी बढ़ नहीं सकता। dog
# का प्रिसिज़न आम तौर पर बढ़ता है, क्योंकि जो इमेज अब भी dog कहलाती हैं वे वही हैं
# जिन पर मॉडल को सबसे ज़्यादा भरोसा है, पर इसकी कोई गारंटी नहीं: प्रिसिज़न dog कहलाई
# गई इमेज में असली कुत्तों का हिस्सा है, और अगर हटाई गई इमेज में कुत्ते बची हुई इमेज से
# ज़्यादा अनुपात में हों, तो वह घटता है। बिल्लियों के लिए उल्टा: cat का रीकॉल बढ़ता है
# (या वैसा ही रहता है), और cat का प्रिसिज़न आम तौर पर घटता है, यहाँ भी बिना गारंटी के।
# इसीलिए कोड सिर्फ़ रीकॉल की जाँच करता है। सही
# थ्रेशोल्ड इस पर निर्भर है कि हर ग़लती की क़ीमत क्या है: बिल्ली के लिए बना
# दरवाज़ा, जो कुत्ते के लिए कभी नहीं खुलना चाहिए, "cat" के लिए ऊँचा थ्रेशोल्ड
# चाहेगा। इसे वैलिडेशन इमेज पर चुनें, टेस्ट सेट पर नहीं (अभ्यास 3 देखें)।
#
# ```python
# dog = class_names[1]
# for threshold in (0.5, 0.9):
#     called = (probabilities > threshold).astype(int)
#     table = evaluation.per_class_metrics(
#         evaluation.confusion_matrix(labels, called, len(class_names)), class_names)
#     print(f"threshold {threshold} for {dog}:")
#     print(evaluation.format_metrics(table))
#     if threshold == 0.5:
#         recall_at_half = table[dog]["recall"]
# assert table[dog]["recall"] <= recall_at_half  # fewer dogs found, never more
# ```
#
# </details>

# %% [markdown] translates="97162e2b5b1b"
# ### अभ्यास 2 (देखें): सबसे ज़्यादा कॉन्फ़िडेंस वाली ग़लतियाँ
# ऊपर की सबसे ज़्यादा कॉन्फ़िडेंस वाली ग़लतियाँ देखें। क्या कोई इंसान उन्हें सही
# पहचान लेता? उनमें क्या बात साझा है? उनकी फ़ाइलों की सूची बनाएँ, ताकि आप उन्हें
# पूरे साइज़ में खोल सकें।
#
# <details><summary>संकेत</summary>
#
# `mistakes` में टेस्ट सेट के अंदर उनकी जगहें हैं, सबसे ज़्यादा कॉन्फ़िडेंस वाली
# पहले, और `split.test.paths` में उसी क्रम में टेस्ट फ़ाइलें।
#
# </details>
#
# <details><summary>हल</summary>
#
# सेव किए गए रन में 192 में से 12 टेस्ट इमेज ग़लत थीं, उनमें से 9 ऐसी बिल्लियाँ
# जिन्हें कुत्ता कहा गया (कन्फ़्यूज़न मैट्रिक्स)। देखें: एक तस्वीर में कई जानवर या
# कोई इंसान, छोटा, कटा हुआ या अजीब कोण से दिखता जानवर, असामान्य रोशनी, फ़ोटो की
# जगह रेखाचित्र या लिखा हुआ कैप्शन, और कभी-कभी ऐसा लेबल जो डेटासेट में ही ग़लत है।
# इनमें से ज़्यादातर को इंसान सही पहचान लेता है: मॉडल एक दबाई हुई 160x160 कॉपी
# देखता है और उसने 2,000 उदाहरणों से सीखा है। ऐसे पैटर्न बताते हैं कि कौन-सा डेटा
# जोड़ना चाहिए।
#
# ```python
# assert list(labels) == list(split.test.labels)  # same order as the files
# for i in mistakes[:9]:
#     print(f"{os.path.basename(split.test.paths[i]):<16} true "
#           f"{class_names[labels[i]]:<6} P(dog) = {probabilities[i]:.3f}")
# print(len(mistakes), "mistakes in all")
# ```
#
# </details>

# %% [markdown] translates="a1814a57b6f2"
# ### अभ्यास 3 (सोचें): वैलिडेशन सटीकता से कम टेस्ट सटीकता
# टेस्ट सटीकता (सेव किए गए रन में 0.9375) 04 की आख़िरी वैलिडेशन सटीकता (0.9752) से
# नीचे है। यह अंतर कितनी टेस्ट इमेज के बराबर है? क्या यह उन संयोग वाले अंतरों से
# बड़ा है जिनका इस नोटबुक ने अनुमान लगाया? इसके दो कारण बताएँ।
#
# <details><summary>संकेत</summary>
#
# एक टेस्ट इमेज 100/192 प्रतिशत अंक है; ऊपर की मानक त्रुटि बताती है कि संयोग से
# कितना अंतर आ सकता है। 04 की वैलिडेशन सटीकता `finetuned` में है: 04 के सेव किए हुए
# नतीजे, जो इस नोटबुक की शुरुआत में लोड हुए थे।
#
# </details>
#
# <details><summary>हल</summary>
#
# अंतर 192 में से लगभग 7 इमेज का है, लगभग दो मानक त्रुटि: संयोग आम तौर पर जितना
# देता है उससे ज़्यादा, पर इतना नहीं कि इसे समस्या कहें। पहला कारण संयोग है: 192
# इमेज छोटा नमूना है (और 808 वैलिडेशन इमेज भी एक नमूना ही हैं)। दूसरा कारण चुनाव
# है: सब कुछ चुनते समय (एपॉक, लर्निंग रेट, `FINE_TUNE_AT`, जो मॉडल सबसे अच्छा
# दिखा) वैलिडेशन सेट पर नज़र रखी गई, इसलिए वह मॉडल की थोड़ी ज़्यादा तारीफ़ करता
# है, जबकि टेस्ट सेट पर कुछ भी नहीं चुना गया। इसे ऐसे ही रखें: टेस्ट इमेज पर चुना
# गया थ्रेशोल्ड या एपॉक टेस्ट सटीकता को भी आशावादी बना देता है।
#
# ```python
# val_accuracy = finetuned["history"]["val_accuracy"][-1]
# gap = val_accuracy - test_accuracy
# print(f"validation {val_accuracy:.4f} - test {test_accuracy:.4f} = {gap:+.4f}, "
#       f"{gap * n_test:+.1f} of {n_test} test images")
# if standard_error:
#     print(f"= {gap / standard_error:+.1f} standard errors")
# ```
#
# </details>

# %% [markdown] translates="1e6da5889d32"
# ### अभ्यास 4 (विस्तार करें): दो बार पूछें: इमेज से और उसके दर्पण-प्रतिबिंब से
# *टेस्ट के समय ऑगमेंटेशन* (test-time augmentation): हर टेस्ट इमेज और उसके
# दर्पण-प्रतिबिंब (mirror image) के लिए मॉडल के लॉजिट का औसत लें। क्या टेस्ट सटीकता
# बदलती है? इसकी क़ीमत क्या है?
#
# <details><summary>संकेत</summary>
#
# `tf.image.flip_left_right(images)` पूरे बैच का दर्पण-प्रतिबिंब बनाता है।
# `model.predict` ऑगमेंटेशन लेयर बंद रखता है, इसलिए फ़्लिप ही अकेला बदलाव है।
#
# </details>
#
# <details><summary>हल</summary>
#
# हर इमेज पर एक और प्रेडिक्शन की क़ीमत। इससे एक-दो इमेज सुधर सकती हैं, या कुछ भी
# नहीं बदलता: मॉडल पहले ही फ़्लिप की हुई इमेज से सीख चुका है (`RandomFlip`), इसलिए
# ज़्यादातर वह ख़ुद से सहमत रहता है। कोड दोनों सटीकताएँ और बदले हुए प्रेडिक्शन की
# गिनती प्रिंट करता है। इसे इस्तेमाल करने का फ़ैसला टेस्ट सेट देखने से पहले करें
# (या वैलिडेशन इमेज पर करें): टेस्ट सेट पर बेहतर स्कोर देखकर इसे चुनना टेस्ट
# सटीकता को आशावादी बना देगा।
#
# ```python
# mirrored = model.predict(tf.image.flip_left_right(images), verbose=0).flatten()
# averaged = (logits + mirrored) / 2
# print(f"test accuracy: {np.mean((logits > 0) == labels):.4f} alone, "
#       f"{np.mean((averaged > 0) == labels):.4f} with the mirror image")
# print("predictions changed:", int(np.sum((averaged > 0) != (logits > 0))))
# ```
#
# </details>

# %% [markdown] translates="d8c2098c3fa1"
# ### अभ्यास 5 (विस्तार करें): प्रायिकता देने वाला मॉडल
# किसी ऐप को लॉजिट के बारे में जानना नहीं पड़ना चाहिए। ऐसा मॉडल बनाएँ जो सीधे
# "dog" की प्रायिकता दे, उसे `probabilities` से मिलाकर जाँचें, और जाँचें कि वह
# `.keras` फ़ाइल के रूप में सेव होकर दोबारा लोड हो जाता है (किसी अस्थायी फ़ोल्डर
# में: आर्टिफ़ैक्ट जैसे हैं वैसे रहते हैं)।
#
# <details><summary>संकेत</summary>
#
# एक नए फ़ंक्शनल मॉडल में `inference_model` के आउटपुट के बाद
# `tf.keras.layers.Activation("sigmoid")` लगाएँ:
# `tf.keras.Model(inference_model.input, ...)`।
#
# </details>
#
# <details><summary>हल</summary>
#
# सिग्मॉइड लेयर कोई वेट नहीं जोड़ती; नया मॉडल ट्रेन की हुई हर लेयर
# `inference_model` के साथ साझा करता है। उसके आउटपुट `probabilities` से मेल खाते
# हैं, और वह सादे Keras से दोबारा लोड हो जाता है। (ट्यूटोरियल का नया वर्ज़न आउटपुट
# के लिए यही चुनता है, यहाँ ट्रेनिंग के बाद; ट्रेनिंग का लॉस लॉजिट पर ही रहता है,
# जो गणना में ज़्यादा स्थिर (numerically stable) है।) अगर ऐप फ़ोन पर चलता है, तो इसे
# ऊपर की तरह TensorFlow Lite में बदलें।
#
# ```python
# import tempfile
#
# probability = tf.keras.layers.Activation("sigmoid")(inference_model.output)
# with_probability = tf.keras.Model(inference_model.input, probability)
# probs = with_probability.predict(images, verbose=0).flatten()
# assert np.allclose(probs, probabilities, atol=1e-5)
# with tempfile.TemporaryDirectory() as folder:  # deleted at the end of the block
#     path = os.path.join(folder, "cats_vs_dogs_probability.keras")
#     with_probability.save(path)
#     print(f"saved {os.path.basename(path)}: {os.path.getsize(path) / 1e6:.2f} MB")
#     reloaded_probs = tf.keras.models.load_model(path).predict(images[:4], verbose=0)
# assert np.allclose(reloaded_probs.flatten(), probs[:4], atol=1e-5)
# ```
#
# </details>
