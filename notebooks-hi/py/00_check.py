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

# %% [markdown] translates="c1ee8af3cbbc"
# # 0. क्या यह मशीन तैयार है?

# %% [markdown]
# <table class="tfo-notebook-buttons" align="left">
#   <td><a target="_blank" href=
#   "https://colab.research.google.com/github/tl-course/transfer-learning-course/blob/v1.1.0/notebooks-hi/00_check.ipynb">
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
#   "https://github.com/tl-course/transfer-learning-course/blob/v1.1.0/notebooks-hi/00_check.ipynb">
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
#   "https://raw.githubusercontent.com/tl-course/transfer-learning-course/v1.1.0/notebooks-hi/00_check.ipynb">
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
# English: [00_check](../notebooks/00_check.ipynb)

# %% [markdown] translates="c9468a9a4ff8"
# यह नोटबुक वर्कशॉप से पहली शाम चलाएँ, या शुरू करने से पहले: इसमें लगभग एक मिनट
# लगता है, बिना इंटरनेट के। यह जाँचती है कि कोर्स को क्या चाहिए, और एक पंक्ति पर
# ख़त्म होती है: **READY**, या सबसे पहले क्या करना है:
#
# - Python, TensorFlow और Keras के वर्ज़न, और GPU है या नहीं;
# - डेटासेट और प्रीट्रेन किए गए वेट (pretrained weights), वहीं ढूँढे और जाँचे जाते
#   हैं जहाँ नोटबुक उन्हें ढूँढेंगी (अगर अभी नहीं हैं, तो एक बार डाउनलोड होते हैं,
#   जैसे 01 और 03 में, और वैसे ही जाँचे जाते हैं जैसे 01 जाँचती है);
# - डिस्क और मेमोरी में ख़ाली जगह;
# - हर तरह का एक टाइम किया हुआ ट्रेनिंग स्टेप (03 का फ़ीचर एक्सट्रैक्शन, 04 की
#   फ़ाइन-ट्यूनिंग), और उनसे यह अनुमान कि 03 और 04 *इस* मशीन पर कितने मिनट ट्रेन
#   करेंगी;
# - कोई देवनागरी फ़ॉन्ट इंस्टॉल है या नहीं (सिर्फ़ एक सूचना: उसके बिना हिंदी
#   संस्करण में अक्षरों की जगह डिब्बे दिखते हैं)।
#
# टर्मिनल में `make check` यही जाँच चलाता है। Colab पर पहले GPU चुनें (*Runtime >
# Change runtime type*): तब अनुमानित मिनट GPU के होंगे।

# %% [markdown]
# *Colab पर* अगला सेल इस कोर्स का `helpers` पैकेज, इसी नोटबुक वाले वर्ज़न पर,
# इंस्टॉल करता है; कहीं और यह कुछ नहीं करता।

# %% tags=["course"] jupyter={"source_hidden": true} cellView="form" active="ipynb"
# # @title Colab: install this course's helpers (elsewhere this cell does nothing)
# import sys
#
# if "google.colab" in sys.modules:  # --no-deps keeps Colab's TensorFlow and Keras
#     %pip install --quiet --no-deps git+https://github.com/tl-course/transfer-learning-course@v1.1.0

# %% [markdown] translates="0ecddf15e1af"
# ## सेटअप

# %%
from helpers import artifacts, readiness, session

# %% [markdown] translates="69d6f2790927"
# जाँच की अकेली सेटिंग:

# %% tags=["parameters"]
REPEATS = 5  # steps of each kind per timed call (three calls, the median)

# %% jupyter={"source_hidden": true} tags=["course", "switches"]
# Course switches (the tutorial has none; docs/course-cells.md explains each). An
# environment variable TL_<NAME> (TL_ARTIFACTS_DIR) wins over a value here.
ARTIFACTS_DIR = "../artifacts"  # where each notebook saves what the next one loads

# %% jupyter={"source_hidden": true} tags=["course"]
session.setup_notebook()  # the course's own errors as one readable line
ARTIFACTS_DIR = artifacts.get_artifacts_dir(ARTIFACTS_DIR)

# %% [markdown] translates="52ef25304f01"
# ## जाँच
# हर पंक्ति पता चलते ही दिख जाती है; मिनट का ज़्यादातर हिस्सा टाइम किए गए स्टेप लेते
# हैं। जाँच (`check_machine`) और अनुमान का हिसाब (`predict_seconds`)
# `helpers/readiness.py` में हैं: एक एपॉक (epoch) उसके ट्रेनिंग स्टेप और वैलिडेशन
# स्टेप का जोड़ है, और हर `fit` अपने पहले स्टेप का अतिरिक्त समय एक बार लेता है।

# %%
for line in readiness.check_machine(REPEATS, ARTIFACTS_DIR):
    print(line)

# %% [markdown] translates="3e398eb17387"
# फ़ैसला, यानी जाँच की आख़िरी पंक्ति। अगर यह NOT READY कहे, तो वह करें जो यह कहती है,
# और यह नोटबुक फिर चलाएँ; ऊपर की पंक्तियाँ ज़्यादा बताती हैं।

# %% tags=["nbval-check-output"]
verdict = line
print(verdict)

# %% [markdown] translates="bef1ef35e32f"
# ## अनुमान कितना भरोसेमंद है
# अनुमान रैंडम इमेज पर अकेले स्टेप का समय मापता है, इसलिए इसमें फ़ोटो पढ़ना और
# डिकोड करना शामिल नहीं, और न गर्म होता लैपटॉप, न साथ में चलते दूसरे प्रोग्राम।
# जितना यह कहे, उससे थोड़ा ज़्यादा समय रखें; `docs/instructor.md` दिखाता है कि कोर्स
# की टेस्ट मशीन पर यह असली रन से कितना मेल खाया।
