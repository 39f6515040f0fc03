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

# %% [markdown] translates="e9d1a68f078e"
# # 9. अपना मॉडल साझा करें: एक वेब ऐप, और TensorBoard

# %% [markdown]
# <table class="tfo-notebook-buttons" align="left">
#   <td><a target="_blank" href=
#   "https://colab.research.google.com/github/tl-course/transfer-learning-course/blob/v1.1.0/notebooks-hi/09_share_your_model.ipynb">
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
#   "https://github.com/tl-course/transfer-learning-course/blob/v1.1.0/notebooks-hi/09_share_your_model.ipynb">
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
#   "https://raw.githubusercontent.com/tl-course/transfer-learning-course/v1.1.0/notebooks-hi/09_share_your_model.ipynb">
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
# English: [09_share_your_model](../notebooks/09_share_your_model.ipynb)

# %% [markdown] translates="a2dcbad8c552"
# 05 के बाद फ़ाइन-ट्यून किया हुआ मॉडल टेस्ट हो चुका है और एक्सपोर्ट (export) भी, पर उसे
# अभी सिर्फ़ यही नोटबुक इस्तेमाल कर सकती है। यहाँ हम उसे एक छोटे वेब पेज के पीछे रखते
# हैं, जिसे आपके कंप्यूटर पर (या आप चाहें तो आपके क्लासरूम के नेटवर्क पर) कोई भी खोल
# सकता है: वह पेज को एक फ़ोटो देता है, और पेज दोनों प्रायिकताएँ (probability) दिखाता है,
# साथ में यह भी कि मॉडल ने फ़ोटो में कहाँ देखा। पेज [Gradio](https://www.gradio.app) से
# बना है, एक लाइब्रेरी जो ठीक इसी काम के लिए बनी है। आख़िर में हम ट्रेनिंग (training) को
# वैसे देखते हैं जैसे TensorFlow के अपने ट्यूटोरियल देखते हैं: TensorBoard में।

# %% [markdown]
# *Colab पर* अगला सेल इस कोर्स का `helpers` पैकेज, इसी नोटबुक वाले वर्ज़न पर,
# इंस्टॉल करता है; कहीं और यह कुछ नहीं करता।

# %% tags=["course"] jupyter={"source_hidden": true} cellView="form" active="ipynb"
# # @title Colab: install this course's helpers (elsewhere this cell does nothing)
# import sys
#
# if "google.colab" in sys.modules:  # --no-deps keeps Colab's TensorFlow and Keras
#     %pip install --quiet --no-deps git+https://github.com/tl-course/transfer-learning-course@v1.1.0

# %% [markdown] translates="2c80c2d1c95e"
# ## सेटअप
# `import`, और `helpers` पैकेज: वह कोड जो ये सारी नोटबुक साझा करती हैं। पेज, और
# फ़ोटो के साथ वह जो कुछ करता है, `helpers.app` में है।

# %%
import os
import tempfile
import urllib.request

import matplotlib.pyplot as plt
import numpy as np
from PIL import Image

from helpers import app, artifacts, catchup, session, splits, training

# %% [markdown] translates="0a0c537b8c9c"
# सेटिंग: पेज क्या दिखाता है।

# %% tags=["parameters"]
EXAMPLES_PER_CLASS = 2  # example photos from the validation set, per class
MIN_CONFIDENCE = 0.0  # below this probability the page says "not sure"
GRAD_CAM = True  # also show where the model looked (05's Grad-CAM)
SERVER_PORT = None  # None: 7860, or the next free port

# %% jupyter={"source_hidden": true} tags=["course", "switches"]
# Course switches (the tutorial has none; docs/course-cells.md explains each). An
# environment variable TL_<NAME> (TL_ARTIFACTS_DIR) wins over a value here.
ARTIFACTS_DIR = "../artifacts"  # where each notebook saves what the next one loads
CATCH_UP = True  # an earlier notebook's work is missing: fetch or make it
USE_DRIVE = False  # on Colab: keep that work in Google Drive between sessions

# %% jupyter={"source_hidden": true} tags=["course"]
session.setup_notebook()  # the course's own errors as one readable line
ARTIFACTS_DIR = artifacts.get_artifacts_dir(ARTIFACTS_DIR)
print(session.describe_runtime("09"))

# %% [markdown] translates="de7edc0e637c"
# **अगर आप यहीं से शुरू कर रहे हैं**, तो [01_data](01_data.ipynb) और
# [04_fine_tuning](04_fine_tuning.ipynb) जो सेव करती हैं, उसे अगला सेल ले आता है या
# बना लेता है ([कैसे](../docs/course-cells.md#if-you-start-here))।

# %% tags=["course"]
print(catchup.ensure_stage("fine_tuning", ARTIFACTS_DIR, CATCH_UP, USE_DRIVE))

# %% [markdown] translates="3bba7c4abe16"
# ## मॉडल: `.keras`, TensorFlow Lite एक्सपोर्ट नहीं
# 05 के बाद मॉडल दो रूपों में है: 04 की `.keras` फ़ाइल, और 05 का TensorFlow Lite
# एक्सपोर्ट (`cats_vs_dogs.tflite`), और 05 ने जाँचा था कि दोनों एक ही जवाब देते हैं।
# पेज यहीं, इस नोटबुक के साथ चलता है, जहाँ TensorFlow वैसे भी लोड है, इसलिए वह
# `.keras` मॉडल लोड करता है:
# उससे वही प्रायिकताएँ मिलती हैं, और ग्रेडिएंट (gradient) भी, जिनकी Grad-CAM को ज़रूरत है
# (TFLite इंटरप्रेटर मॉडल को सिर्फ़ आगे की दिशा में चलाता है)। TensorFlow Lite वहाँ के
# लिए है जहाँ TensorFlow बहुत बड़ा पड़ता है: फ़ोन, Raspberry Pi (अभ्यास 3 दोनों की
# तुलना करता है)।
#
# `app.load_classifier` पिछली नोटबुक का सेव किया मॉडल लोड करता है, उसके आउटपुट के क्रम
# में क्लास (class), यानी श्रेणी, के नाम (01 के, `split.json` में) और वह इमेज साइज़
# जिस पर वह ट्रेन हुआ था।

# %%
classifier = app.load_classifier(ARTIFACTS_DIR, "fine_tuning")
split = splits.load_split(ARTIFACTS_DIR)
print("classes:", classifier.class_names, "| image size:", classifier.image_size)
assert classifier.class_names == tuple(split.class_names)

# %% [markdown] translates="d41b923c2bc8"
# ## एक फ़ोटो, जैसे पेज उसे देखता है
# हर फ़ोटो के लिए पेज एक ही फ़ंक्शन बुलाता है, `app.predict_photo`: वह फ़ोटो वैसे पढ़ता है
# जैसे 05 ने पढ़ी थी (`evaluation.read_image_file`: EXIF जैसा कहे वैसे सीधी की हुई, RGB,
# 160x160 में रीसाइज़), मॉडल चलाता है, और उसके एक लॉजिट (logit) को दो प्रायिकताओं में
# बदलता है: dogs के लिए `sigmoid(logit)`, बाक़ी cats के लिए। यहाँ एक टेस्ट फ़ोटो पर (जो
# न ट्रेनिंग में इस्तेमाल हुई, न कुछ चुनने में):

# %%
photo = split.test.paths[0]
result = app.predict_photo(classifier, photo)
print(os.path.basename(photo), "->", result["text"])
print({name: round(p, 4) for name, p in result["classes"].items()})
assert abs(sum(result["classes"].values()) - 1) < 1e-6  # two classes: sum 1

# %% [markdown] translates="c45328071efb"
# ## वे फ़ोटो जिन्हें पेज इस्तेमाल नहीं कर सकता
# पेज पर आने वाले लोग कुछ भी अपलोड करते हैं: कोई दस्तावेज़, बहुत बड़ा स्कैन, चलती हुई GIF,
# प्रिंटिंग के काम से आई फ़ोटो (CMYK) या स्कैनर की (हर चैनल में 16 बिट), फ़ोन की वह फ़ोटो
# जो तिरछी सेव हुई है और जिसके EXIF में उसे घुमाने का निर्देश है। पेज को हर एक का जवाब एक
# वाक्य से देना चाहिए, Python के ट्रेसबैक से नहीं। पेज `app.answer_photo` बुलाता है: जो
# फ़ोटो वह इस्तेमाल नहीं कर सकता, उसके लिए वह प्रेडिक्शन (prediction) ख़ाली कर देता है और
# कारण बताता है; CMYK, 16-बिट और तिरछी फ़ोटो बदल दी जाती हैं, और वह यह बता देता है। एक
# अस्थायी फ़ोल्डर में बनाई गई ऐसी कुछ फ़ाइलें:

# %%
odd = tempfile.mkdtemp()
with Image.open(photo) as im:
    im = im.convert("RGB")
    im.convert("CMYK").save(os.path.join(odd, "print.jpg"))
    grey = np.asarray(im.convert("L"), dtype=np.uint16) * 257  # 16 bits
    Image.fromarray(grey).save(os.path.join(odd, "scan.png"))
    exif = Image.Exif()
    exif[0x0112] = 6  # "turn 90 degrees clockwise to show it"
    im.transpose(Image.Transpose.ROTATE_90).save(os.path.join(odd, "phone.jpg"),
                                                 exif=exif)
    frames = [im.resize((64, 64)), im.resize((64, 64)).rotate(90)]
    frames[0].save(os.path.join(odd, "moving.gif"), save_all=True,
                   append_images=frames[1:])
Image.new("1", (10_000, 6_000)).save(os.path.join(odd, "huge.png"))  # 60 MP
with open(os.path.join(odd, "notes.txt"), "w") as f:
    f.write("a shopping list\n")
for name in sorted(os.listdir(odd)):
    classes, image, message = app.answer_photo(classifier, os.path.join(odd, name))
    print(f"{name:<11} {message}\n")

# %% [markdown] translates="7e5d4b726b4e"
# तिरछी सेव हुई फ़ोन वाली फ़ोटो को वही प्रेडिक्शन मिलता है जो ख़ुद फ़ोटो को, क्योंकि उसे
# पहले सीधा कर लिया गया:

# %%
upright = app.predict_photo(classifier, photo)["classes"]
turned = app.predict_photo(classifier, os.path.join(odd, "phone.jpg"))["classes"]
print("as taken:", {k: round(v, 3) for k, v in upright.items()})
print("sideways:", {k: round(v, 3) for k, v in turned.items()})
assert max(upright, key=upright.get) == max(turned, key=turned.get)

# %% [markdown] translates="d8a81c974344"
# ## पेज
# `app.make_app` पेज को Gradio से सजाता है: अपलोड करने के लिए एक फ़ोटो (या कैमरे से ली
# गई, जहाँ ब्राउज़र इसकी इजाज़त दे, या क्लिक करने के लिए एक उदाहरण), दोनों प्रायिकताएँ,
# टेक्स्ट की एक लाइन, और फ़ोटो जैसी मॉडल ने देखी, उस पर यह बना हुआ कि उसने कहाँ देखा
# (05 का Grad-CAM)। पेज एक समय में एक ही प्रेडिक्शन चलाता है (कुछ और कतार में इंतज़ार
# करते हैं), इसलिए बहुत सारे लोग मिलकर भी मेमोरी नहीं भर सकते।
#
# `app.launch_app` उसे `127.0.0.1` पर (सिर्फ़ यही कंप्यूटर) चलाता है, और JupyterLab में
# और Colab पर सेल के नीचे दिखाता है। सर्वर इस नोटबुक के कर्नेल के एक थ्रेड में चलता
# है: नोटबुक इस्तेमाल होती रहती है, और जब तक कर्नेल चलता है, पेज काम करता है। इंटरनेट
# पर कुछ नहीं भेजा जाता: न कोई सार्वजनिक लिंक, न इस्तेमाल के आँकड़े, न वेब फ़ॉन्ट।

# %%
examples = app.pick_examples(split.validation, split.class_names,
                             EXAMPLES_PER_CLASS)
demo = app.make_app(classifier, examples, min_confidence=MIN_CONFIDENCE,
                    grad_cam=GRAD_CAM)
url = app.launch_app(demo, port=SERVER_PORT,
                     allowed_paths={os.path.dirname(p) for p in examples})
print("The page is served on", url)

# %% [markdown] translates="78af2de7807f"
# वह किसी भी वेब सर्वर की तरह जवाब देता है (पता ब्राउज़र के किसी टैब में भी खोलकर
# देखें):

# %%
with urllib.request.urlopen(url, timeout=30) as response:
    print("HTTP", response.status, "|", len(response.read()), "bytes of page")

# %% [markdown] translates="4f1f3d6fd845"
# टेस्ट की एक फ़ोटो अपलोड करने के बाद ब्राउज़र यह दिखाता है (यह स्क्रीनशॉट इस कोर्स के
# ब्राउज़र टेस्ट, `tests/system/test_app_browser.py`, ने स्टोर किए गए रन के मॉडल पर
# लिया है):
#
# ![पेज: बिल्ली की फ़ोटो अपलोड हुई, cats 100%, और फ़ोटो पर Grad-CAM का हीटमैप बिल्ली के
# चेहरे पर](../docs/images/09_app.png)
#
# **कमांड लाइन से**, बिना नोटबुक के: `make demo` यही पेज 04 के मॉडल के साथ चलाता है
# (`python scripts/demo.py`)। उसे अपने क्लासरूम के नेटवर्क के लिए खोलना हो तो
# `ARGS="--host 0.0.0.0"` जोड़ें (बाक़ी लोग आपके कंप्यूटर का पता और पोर्ट टाइप करते हैं);
# [07_your_own_data](07_your_own_data.ipynb) के मॉडल के लिए `ARGS="--stage own_data"`
# (N क्लास: पेज सबसे ऊपर की 3 दिखाता है, 07 के सेव किए क्लास के नामों के साथ); और
# `ARGS="--share"` सिर्फ़ तब, जब आपको सार्वजनिक लिंक चाहिए: तब Gradio के सर्वर वह पेज हर
# उस व्यक्ति तक पहुँचाते हैं जिसके हाथ लिंक है, और काम आपका कंप्यूटर करता है। नोटबुक में
# `app.load_classifier(ARTIFACTS_DIR, "own_data")` 07 का मॉडल लोड करता है।
#
# काम पूरा हो जाए तो सर्वर रोक दें: उसका पोर्ट फिर ख़ाली हो जाता है।

# %%
app.close_app(demo)

# %% [markdown] translates="b9ec8ce6047b"
# ## ट्रेनिंग को देखना: TensorBoard
# नोटबुक 03, 04 और 07 हर एपॉक (epoch) के बाद `fit` जो मापता है, उसे TensorBoard लॉग के
# रूप में भी लिखती हैं, आर्टिफ़ैक्ट फ़ोल्डर के `tensorboard/` में: हर चरण का एक रन
# (`feature_extraction`, `fine_tuning`), हर एक में `train` और `validation` के कर्व।
# फ़ाइन-ट्यूनिंग के एपॉक वहीं से आगे गिने जाते हैं जहाँ फ़ीचर एक्सट्रैक्शन रुका था, इसलिए
# दोनों चरण एक ही चार्ट पर एक के बाद एक दिखते हैं। इन्हें लिखने की क़ीमत: हर एपॉक में
# 0.026 सेकंड, यानी व्यस्त 2-कोर CPU पर साथ में मापे गए 03 के 80 सेकंड के एपॉक का 0.03%
# (`make benchmark ARGS='--parts tensorboard'`)।
#
# इन्हें देखने के लिए, JupyterLab में या Colab पर, अगला सेल जो दो लाइनें छापता है (फ़ोल्डर
# इसी मशीन का है), उन्हें एक नए सेल में चिपकाकर चलाएँ, तब भी जब 03 या 04 किसी दूसरी
# नोटबुक में ट्रेन हो रही हो: TensorBoard हर 5 सेकंड में लॉग दोबारा पढ़ता है (नए एपॉक
# देखने के लिए पेज रीलोड करें)। उसका
# *Scalars* टैब दोनों चरणों के `epoch_accuracy` और `epoch_loss` बनाता है, हर एक का
# अपना चार्ट। इन्हें हम आपके चलाने के लिए छोड़ते हैं: `%tensorboard` अपना एक सर्वर शुरू करता
# है जो चलता रहता है, और इस नोटबुक का बिना स्क्रीन वाला (headless) रन उसे पीछे चलता
# हुआ नहीं छोड़ सकता।

# %%
logs = training.find_tensorboard_dir(ARTIFACTS_DIR)
print("%load_ext tensorboard")
print(f"%tensorboard --logdir {artifacts.describe_path(logs)}")

# %% [markdown] translates="fb14e0862db3"
# वही संख्याएँ, यहाँ लॉग से पढ़कर matplotlib से बनाई हुई:

# %%
curves = {name: training.read_tensorboard_scalars(logs / name)
          for name in ("feature_extraction", "fine_tuning")}
if all(curves.values()):
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.5))
    for ax, metric in zip(axes, ("epoch_accuracy", "epoch_loss")):
        for name, runs in curves.items():
            for part, style in (("train", "--"), ("validation", "-")):
                values = runs[part][metric]
                ax.plot(sorted(values), [values[e] for e in sorted(values)], style,
                        marker=".", label=f"{name} ({part})")
        ax.set(title=metric, xlabel="epoch")
    axes[0].legend(fontsize=8)
    plt.show()
    epochs = [sorted(curves[n]["train"]["epoch_loss"]) for n in curves]
    print("epochs:", epochs)
    assert epochs[1][0] == epochs[0][-1] + 1  # one axis: fine-tuning continues
else:
    print(f"No TensorBoard logs of both stages in {artifacts.describe_path(logs)}: "
          "03 and 04 write them since this version of the course; run them "
          "again to see them here and in TensorBoard.")

# %% [markdown] translates="6d13061b6f3d"
# ## अभ्यास
# हर अभ्यास के साथ एक **संकेत** और एक पूरा **हल** है, मुड़े हुए: पहले ख़ुद कोशिश करें,
# फिर उन्हें खोलने के लिए *संकेत* या *हल* पर क्लिक करें। हल का कोड इस नोटबुक में, ऊपर से
# पूरी चल चुकने के बाद (पहले Run All), चलता है: उसे आख़िर में एक नए सेल में चिपकाएँ।

# %% [markdown] translates="6853f454368e"
# ### अभ्यास 1 (बदलें): आपकी अपनी उदाहरण फ़ोटो
# पेज हर क्लास की दो वैलिडेशन फ़ोटो क्लिक करने के लिए देता है। उनकी जगह उसे हर क्लास
# की तीन टेस्ट फ़ोटो दें, पेज चलाएँ, और फिर रोक दें।
#
# <details><summary>संकेत</summary>
#
# `app.pick_examples` स्प्लिट का कोई भी हिस्सा लेता है (`split.test`); `make_app` पाथ की
# कोई भी सूची लेता है, आपकी अपनी फ़ोटो की भी। दूसरे पेज को अपना पोर्ट चाहिए:
# `launch_app` अगला ख़ाली पोर्ट ख़ुद ले लेता है।
#
# </details>
#
# <details><summary>हल</summary>
#
# इमेज के पाथ की कोई भी सूची चलती है, आपकी अपनी फ़ोटो का फ़ोल्डर भी (तब उनका फ़ोल्डर
# `allowed_paths` में दें, ताकि Gradio उन्हें दिखा सके)। टेस्ट सेट की फ़ोटो दिखाना ठीक है:
# उन पर कुछ भी चुना नहीं गया।
#
# ```python
# my_examples = app.pick_examples(split.test, split.class_names, per_class=3)
# page = app.make_app(classifier, my_examples)
# address = app.launch_app(page, inline=False,
#                          allowed_paths={os.path.dirname(p) for p in my_examples})
# print(len(my_examples), "examples, served on", address)
# app.close_app(page)
# ```
#
# </details>

# %% [markdown] translates="34f8c08427aa"
# ### अभ्यास 2 (सोचें): "पक्का नहीं"
# जब सबसे संभावित क्लास की प्रायिकता आपके चुने कॉन्फ़िडेंस (`MIN_CONFIDENCE`) से कम हो,
# तो पेज से "not sure" (पक्का नहीं) कहलवाएँ। टेस्ट सेट की कौन-सी फ़ोटो 0.9 से नीचे
# रहती हैं? फिर मॉडल को ऐसी फ़ोटो दें जो न बिल्ली है न कुत्ता (एक स्लेटी चौकोर
# टुकड़ा): वह क्या कहता है, और दो क्लास वाला मॉडल कभी पक्के तौर पर यह क्यों नहीं कह
# सकता कि फ़ोटो दोनों में से *कोई नहीं* है?
#
# <details><summary>संकेत</summary>
#
# `app.answer_photo(classifier, path, min_confidence=0.9)` पेज का संदेश लौटाता है। एक
# लॉजिट से दोनों प्रायिकताएँ `p` और `1 - p` होती हैं: दोनों में से बड़ी वाली कम से कम
# कितनी हो सकती है?
#
# </details>
#
# <details><summary>हल</summary>
#
# `p` और `1 - p` में से बड़ी वाली कभी 0.5 से कम नहीं होती: 0.5 या उससे नीचे का
# थ्रेशोल्ड (threshold) कभी "not sure" नहीं कहता। उससे ऊपर, "not sure" वे फ़ोटो पकड़ता है
# जो मॉडल को मुश्किल लगती हैं (अक्सर वही ग़लतियाँ जो 05 ने दिखाईं)। पर स्लेटी टुकड़े,
# कार या इंसान को भी cats या dogs ही मिलता है, अक्सर ऊँची प्रायिकता के साथ: मॉडल से हमेशा
# सिर्फ़ "बिल्ली या कुत्ता?" पूछा गया, इसलिए वह "कोई नहीं" कह ही नहीं सकता,
# और उसकी प्रायिकता बताती है कि फ़ोटो दोनों में से किसके ज़्यादा क़रीब है, यह नहीं कि
# वह पालतू जानवर जैसी कितनी दिखती है। "कोई नहीं" कहलवाने के लिए तीसरी क्लास ट्रेन
# करें (दूसरी फ़ोटो का एक फ़ोल्डर, 07 के N-क्लास तरीक़े से), या अलग से जाँचें कि फ़ोटो
# ट्रेनिंग की फ़ोटो जैसी है भी या नहीं।
#
# ```python
# threshold = 0.9
# unsure = [p for p in split.test.paths
#           if app.answer_photo(classifier, p, min_confidence=threshold)[2]
#           .startswith("Not sure")]
# print(f"{len(unsure)} of {len(split.test.paths)} test photos below {threshold}")
# grey_path = os.path.join(odd, "grey.png")
# Image.new("RGB", (300, 300), (128, 128, 128)).save(grey_path)
# print("grey square:", app.answer_photo(classifier, grey_path, threshold)[2])
# grey = app.predict_photo(classifier, grey_path)
# assert max(grey["classes"].values()) >= 0.5  # never "neither"
# ```
#
# </details>

# %% [markdown] translates="cc9363a072b6"
# ### अभ्यास 3 (तुलना करें): TensorFlow Lite एक्सपोर्ट
# फ़ोन पर 05 की `cats_vs_dogs.tflite` चलेगी, `.keras` फ़ाइल नहीं। टेस्ट की फ़ोटो पर
# दोनों से प्रेडिक्ट करें: क्या वे एक ही जवाब देते हैं? यहाँ हर एक को एक फ़ोटो पर कितना
# समय लगता है?
#
# <details><summary>संकेत</summary>
#
# 05 की तरह `evaluation.load_tflite(path)` और `evaluation.predict_tflite(interpreter,
# images)` (अगर आपने यहीं से शुरू किया है तो पहले 05 चलाएँ: एक्सपोर्ट वही लिखती है);
# `app.read_photo(path, classifier.image_size)` फ़ोटो को वैसे पढ़ता है जैसे पेज पढ़ता
# है। एक्सपोर्ट में ऑगमेंटेशन की लेयर नहीं हैं, जो प्रेडिक्शन के समय वैसे भी बंद रहती हैं।
#
# </details>
#
# <details><summary>हल</summary>
#
# हर फ़ोटो पर दोनों एक ही जवाब देते हैं, प्रायिकता के कुछ दशमलव अंकों तक (05 ने पूरे टेस्ट
# सेट पर यही मापा था)। हर फ़ोटो पर इंटरप्रेटर CPU पर अक्सर तेज़ होता है: वह Keras और
# TensorFlow का अतिरिक्त हिसाब-किताब छोड़ देता है। यहाँ पेज Grad-CAM के लिए `.keras` मॉडल
# ही इस्तेमाल करता है।
#
# ```python
# import time
#
# from helpers import evaluation
#
# interpreter = evaluation.load_tflite(ARTIFACTS_DIR / "cats_vs_dogs.tflite")
# images = np.stack([app.read_photo(p, classifier.image_size)
#                    for p in split.test.paths[:16]])
# start = time.perf_counter()
# lite = evaluation.sigmoid(evaluation.predict_tflite(interpreter, images))
# lite_seconds = (time.perf_counter() - start) / len(images)
# start = time.perf_counter()
# keras_probs = np.array([evaluation.sigmoid(float(
#     classifier.model(image[None], training=False)[0, 0])) for image in images])
# keras_seconds = (time.perf_counter() - start) / len(images)
# print(f"largest difference: {np.abs(lite - keras_probs).max():.2e}")
# print(f"per photo: TFLite {lite_seconds * 1000:.0f} ms, "
#       f"Keras {keras_seconds * 1000:.0f} ms")
# assert ((lite > 0.5) == (keras_probs > 0.5)).all()
# ```
#
# </details>
