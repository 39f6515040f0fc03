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

# %% [markdown] translates="c5fabd73a7ea"
# # 1. डेटा: बिल्लियाँ और कुत्ते

# %% [markdown]
# <table class="tfo-notebook-buttons" align="left">
#   <td><a target="_blank" href=
#   "https://colab.research.google.com/github/tl-course/transfer-learning-course/blob/v1.1.0/notebooks-hi/01_data.ipynb">
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
#   "https://github.com/tl-course/transfer-learning-course/blob/v1.1.0/notebooks-hi/01_data.ipynb">
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
#   "https://raw.githubusercontent.com/tl-course/transfer-learning-course/v1.1.0/notebooks-hi/01_data.ipynb">
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
# English: [01_data](../notebooks/01_data.ipynb)

# %% [markdown] translates="4ee0a4ab2434"
# यह कोर्स TensorFlow के ट्यूटोरियल *Transfer learning and fine-tuning* पर चलता
# है: ImageNet पर ट्रेन हुआ MobileNetV2, एक न्यूरल नेटवर्क (neural network),
# सिर्फ़ 2,000 ट्रेनिंग इमेज से बिल्ली और कुत्ते में फ़र्क़ करना सीखता है। इसे
# ट्रांसफ़र लर्निंग (transfer learning) कहते हैं: किसी बड़े काम पर सीखा हुआ मॉडल
# (model) एक नए, मिलते-जुलते काम में दोबारा काम आता है। यह पहली नोटबुक (notebook)
# इमेज (image) तैयार करती है:
#
# 1. `cats_and_dogs_filtered` डेटासेट (dataset) लाना (एक बार डाउनलोड, या किसी लोकल
#    कॉपी से);
# 2. हर फ़ाइल की जाँच, ताकि कोई ख़राब इमेज ट्रेनिंग (training) को बीच में न रोक
#    दे;
# 3. `tf.data` से इनपुट पाइपलाइन (input pipeline) बनाना और कुछ इमेज देखना;
# 4. वैलिडेशन (validation) इमेज में से टेस्ट सेट (test set) अलग करना, ट्यूटोरियल
#    वाले लीक (leak) के **बिना**;
# 5. यह स्प्लिट (split) सेव करना, ताकि आगे की हर नोटबुक ठीक यही इमेज इस्तेमाल करे।
#
# इस हिंदी संस्करण में सिर्फ़ समझाने वाला टेक्स्ट हिंदी में है। कोड, API के नाम,
# प्रिंट होने वाला आउटपुट और एरर मैसेज (error message) अंग्रेज़ी में ही रहते हैं:
# कोड अंग्रेज़ी नोटबुक के कोड से अक्षरशः मिलता है, और अंग्रेज़ी एरर मैसेज ही सर्च
# इंजन पहचानते हैं। जहाँ कोई आम एरर आ सकता है, वहाँ उसका मतलब और उपाय हिंदी में
# लिखा है। शब्दों के लिए [शब्दावली](../docs/glossary.hi.md) देखें।

# %% [markdown]
# *Colab पर* अगला सेल इस कोर्स का `helpers` पैकेज, इसी नोटबुक वाले वर्ज़न पर,
# इंस्टॉल करता है; कहीं और यह कुछ नहीं करता।

# %% tags=["course"] jupyter={"source_hidden": true} cellView="form" active="ipynb"
# # @title Colab: install this course's helpers (elsewhere this cell does nothing)
# import sys
#
# if "google.colab" in sys.modules:  # --no-deps keeps Colab's TensorFlow and Keras
#     %pip install --quiet --no-deps git+https://github.com/tl-course/transfer-learning-course@v1.1.0

# %% [markdown] translates="63f89cc0354d"
# ## सेटअप
# ट्यूटोरियल के `import`, और `helpers` पैकेज: वह कोड जो ये सारी नोटबुक साझा करती
# हैं ([README.hi.md](../README.hi.md) का सेटअप कमांड इसे इंस्टॉल करता है)।

# %%
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

from helpers import artifacts, assets, catchup, checks, pipeline, session, splits

# %% [markdown] translates="577628b43f09"
# ## पैरामीटर
# ट्यूटोरियल की सेटिंग, एक ही सेल (cell) में (papermill और कोर्स के टेस्ट इन्हें
# यहीं बदलते हैं)। `TEST_FRACTION`, `SEED` और `IMG_SIZE` तय करते हैं कि स्प्लिट
# कैसे बनेगा, इसलिए ये सिर्फ़ इसी नोटबुक में हैं: स्प्लिट सेव होता है, और आगे की
# नोटबुक ये सेटिंग दोहराने के बजाय उसे लोड करती हैं। (उन नोटबुक के `BATCH_SIZE` और
# `SEED` सिर्फ़ ट्रेनिंग डेटा के बैच बनाते हैं और उसे शफ़ल करते हैं।)

# %% tags=["parameters"]
BATCH_SIZE = 32
IMG_SIZE = (160, 160)
TEST_FRACTION = 0.2  # share of the validation batches that becomes the test set
SEED = 123

# %% jupyter={"source_hidden": true} tags=["course", "switches"]
# Course switches (the tutorial has none; docs/course-cells.md explains each). An
# environment variable TL_<NAME> (TL_ARTIFACTS_DIR, TL_DATA_DIR) wins over a value here.
ARTIFACTS_DIR = "../artifacts"  # where each notebook saves what the next one loads
SHOW_PROGRESS = True  # progress bars for downloads and checks
USE_DRIVE = False  # on Colab: keep that work in Google Drive between sessions

# %% jupyter={"source_hidden": true} tags=["course"]
session.setup_notebook()  # the course's own errors as one readable line
ARTIFACTS_DIR = artifacts.get_artifacts_dir(ARTIFACTS_DIR)
print(session.describe_runtime("01"))

# %% [markdown] translates="048547b50cc7"
# ## डेटासेट लाना
# `get_dataset_dir` फ़ाइल `cats_and_dogs_filtered.zip` को एक बार Keras कैश
# (`~/.keras/datasets`) में डाउनलोड करता है, उसकी जाँच करता है और उसे सुरक्षित ढंग
# से एक्सट्रैक्ट करता है। नेटवर्क न हो तो `TL_DATA_DIR` को किसी लोकल कॉपी (फ़ोल्डर
# या zip) पर, या `TL_MIRROR` को क्लासरूम मिरर (mirror) पर सेट करें:
# [README.hi.md](../README.hi.md) दोनों तरीक़े समझाता है। कुछ भी काम न करे, तो एरर
# मैसेज बताता है कि क्या सेट करना है।
#
# यह ट्यूटोरियल के `tf.keras.utils.get_file(..., extract=True)` की जगह लेता है:
# Keras 3 पर वह एक `..._extracted` फ़ोल्डर लौटाता है, इसलिए ट्यूटोरियल का
# `os.path.join(os.path.dirname(path_to_zip), "cats_and_dogs_filtered")` किसी
# मौजूद फ़ोल्डर तक नहीं पहुँचता।
#
# डाउनलोड का पता: यह कोर्स ट्यूटोरियल के उस वर्ज़न पर चलता है जो
# `https://storage.googleapis.com/mledu-datasets/cats_and_dogs_filtered.zip` से
# डाउनलोड करता है; tensorflow.org का नया वर्ज़न वही zip
# https://storage.googleapis.com/download.tensorflow.org/example_images/cats_and_dogs_filtered.zip
# से देता है, और पहला पता फ़ेल हो तो `get_dataset_dir` दूसरे नंबर पर उसे आज़माता
# है।
#
# **यहाँ आ सकने वाले एरर:**
#
# - `AssetError: Could not download cats_and_dogs_filtered.zip. Tried: ... cannot
#   connect`: नेटवर्क नहीं है। `TL_DATA_DIR` को लोकल कॉपी पर या `TL_MIRROR` को
#   क्लासरूम मिरर पर सेट करें, या जहाँ नेटवर्क हो वहाँ `make fetch` चलाएँ।
# - `AssetError: ... sent an HTML page, not a zip file`: फ़ाइल की जगह होटल या
#   कैंपस WiFi का लॉगिन पेज (या कोई एरर पेज) आया। ब्राउज़र में नेटवर्क पर लॉगिन
#   करें, या URL ठीक करें।
# - `AssetError: ... is not a complete zip file` या `truncated`: डाउनलोड बीच में
#   कट गया, और कुछ भी रखा नहीं गया। बस दोबारा चलाएँ।
# - `AssetError: ... stalled`: सर्वर या नेटवर्क ने डेटा भेजना बंद कर दिया। बाद में
#   दोबारा चलाएँ, या `TL_MIRROR` या लोकल कॉपी इस्तेमाल करें।

# %%
data_dir = assets.get_dataset_dir(progress=SHOW_PROGRESS)
train_dir = data_dir / "train"
validation_dir = data_dir / "validation"
print(sorted(p.name for p in data_dir.iterdir() if not p.name.startswith(".")))

# %% [markdown] translates="ec71cd2d40f4"
# ## हर इमेज की जाँच
# एक भी अधूरी (truncated) JPEG फ़ाइल TensorFlow के डिकोडर को किसी एपॉक (epoch) के
# बीच में एरर देने पर मजबूर कर देती है। `check_dataset` हर फ़ाइल को उसी डिकोडर से
# एक बार डिकोड (decode) करता है, जो फ़ाइलें फ़ेल हों उन्हें छोड़ देता है (और उनकी
# सूची देता है), असामान्य फ़ाइलों (CMYK, बहुत बड़ी) की RGB कॉपी आर्टिफ़ैक्ट
# (artifact) फ़ोल्डर में बनाता है, और फ़ोल्डर का ढाँचा ग़लत हो तो साफ़ मैसेज के
# साथ रुक जाता है। नतीजा: ट्रेनिंग और वैलिडेशन, दोनों हिस्सों की इस्तेमाल-लायक़
# फ़ाइलों की सूची, उनके लेबल (label) के साथ।
#
# **यहाँ आ सकने वाले एरर:**
#
# - `DatasetError: ... has no 'train' folder` (या `'validation'`): अपनी इमेज
#   `<dir>/train/<class>/` और `<dir>/validation/<class>/` में रखें।
# - `DatasetError: ... has 3 class folders ... the notebooks 01-06 train a
#   classifier of 2 classes`: ये नोटबुक दो क्लास वाली हैं (एक लॉजिट): दोनों
#   हिस्सों में दो ही क्लास फ़ोल्डर रखें।
# - `DatasetError: No usable image in ...`: किसी क्लास की एक भी फ़ाइल डिकोड नहीं
#   हुई: उन्हें बदलें।
# - सारांश में `skipped N unusable files` एरर नहीं है: जो फ़ाइलें इमेज नहीं हैं या
#   डिकोड नहीं होतीं, वे सूची में दिखाकर छोड़ दी जाती हैं। आपका डेटासेट कभी बदला
#   नहीं जाता।

# %%
report = checks.check_dataset(data_dir, work_dir=ARTIFACTS_DIR,
                              progress=SHOW_PROGRESS)
class_names = report.class_names
print(report.summary())

# %% [markdown] translates="010bf0f923cf"
# ## इनपुट पाइपलाइन, क़दम-दर-क़दम
# ट्यूटोरियल हर फ़ोल्डर के लिए एक ही कॉल से डेटासेट बनाता है:
#
# ```python
# train_dataset = tf.keras.utils.image_dataset_from_directory(
#     train_dir, shuffle=True, batch_size=BATCH_SIZE, image_size=IMG_SIZE)
# ```
#
# यह फ़ोल्डर की *हर* फ़ाइल पढ़ता है, जाँच में छोड़ी गई फ़ाइलें भी, और इससे आगे
# वाला टेस्ट स्प्लिट लीक के बिना बन ही नहीं सकता। इसलिए हम वही पाइपलाइन अपनी जाँची
# हुई फ़ाइल-सूची से `tf.data` के साथ क़दम-दर-क़दम बनाते हैं: एक फ़ंक्शन एक इमेज
# पढ़ता है, उसे डिकोड करता है (फ़ॉर्मैट कोई भी हो, 3 चैनल (channel) में) और उसे
# रीसाइज़ (resize) करता है...


# %%
def load_image(path, label):
    image = tf.io.read_file(path)
    image = tf.io.decode_image(image, channels=3, expand_animations=False)
    image.set_shape([None, None, 3])
    image = tf.image.resize(image, IMG_SIZE, method="bilinear")
    return image, label


# %% [markdown] translates="4683223d4155"
# ...और डेटासेट इस फ़ंक्शन को (पाथ, लेबल) जोड़ियों पर चलाता है, हर एपॉक में नए
# सिरे से शफ़ल (shuffle) करता है, और `BATCH_SIZE` इमेज के बैच (batch) बनाता है।
# हर इमेज का लेबल उसकी क्लास (class) के फ़ोल्डर का क्रमांक है, फ़ोल्डरों को वर्णक्रम
# में लगाकर, जैसे `image_dataset_from_directory` देता है: `cats` = 0, `dogs` = 1।
# (क्लास यानी श्रेणी: यहाँ बिल्लियाँ और कुत्ते।)

# %%
train_files = report.splits["train"]
train_dataset = (
    tf.data.Dataset.from_tensor_slices((list(train_files.paths),
                                        list(train_files.labels)))
    .shuffle(len(train_files), seed=SEED)
    .map(load_image, num_parallel_calls=tf.data.AUTOTUNE)
    .batch(BATCH_SIZE)
)
print(train_dataset.element_spec)

# %% [markdown] translates="bebe0e09817d"
# पहली नौ ट्रेनिंग इमेज, ट्यूटोरियल के प्लॉट वाले कोड से। हर इमेज के ऊपर उसकी
# क्लास का नाम अंग्रेज़ी में दिखेगा (`cats` या `dogs`): ये डेटासेट के फ़ोल्डरों के
# नाम हैं, और इस संस्करण का कोड अंग्रेज़ी नोटबुक के कोड जैसा ही है। प्लॉट का
# टेक्स्ट हिंदी में क्यों नहीं है (Colab पर देवनागरी की मात्राएँ और संयुक्ताक्षर
# ठीक से नहीं जुड़ते), इसका कारण और नमूने
# [docs/hindi-plots.hi.md](../docs/hindi-plots.hi.md) में हैं।

# %%
plt.figure(figsize=(10, 10))
for images, labels in train_dataset.take(1):
    for i in range(min(9, len(labels))):  # the tutorial's 9, or a smaller batch
        ax = plt.subplot(3, 3, i + 1)
        plt.imshow(images[i].numpy().astype("uint8"))
        plt.title(class_names[labels[i]])
        plt.axis("off")
plt.show()

# %% [markdown] translates="55c23eefc6eb"
# *अतिरिक्त कोड: ट्यूटोरियल के लोडर जैसी ही इमेज।* जिस फ़ोल्डर की हर फ़ाइल
# इस्तेमाल-लायक़ हो, वहाँ `image_dataset_from_directory` (बिना शफ़ल किए) और हमारी
# पाइपलाइन एक जैसे पिक्सेल (pixel) और लेबल देती हैं।

# %%
if not report.skipped and not report.converted:
    tutorial_dataset = tf.keras.utils.image_dataset_from_directory(
        train_dir, shuffle=False, batch_size=BATCH_SIZE, image_size=IMG_SIZE,
        verbose=False,
    )
    ours_dataset = pipeline.make_dataset(train_files, IMG_SIZE, BATCH_SIZE)
    a, a_labels = next(iter(tutorial_dataset))
    b, b_labels = next(iter(ours_dataset))
    np.testing.assert_allclose(a.numpy(), b.numpy(), atol=1e-3)
    assert tutorial_dataset.class_names == list(class_names)
    assert np.array_equal(a_labels.numpy(), b_labels.numpy())
    print("same pixels and labels as image_dataset_from_directory")

# %% [markdown] translates="a2458e883323"
# `pipeline.make_dataset` यही पाइपलाइन है, आगे की नोटबुक के लिए रखी हुई।

# %% [markdown] translates="1a0fc1b4c4d1"
# ## ऐसा टेस्ट सेट जिसमें लीक न हो
# इस डेटासेट में कोई टेस्ट स्प्लिट नहीं है, इसलिए ट्यूटोरियल `take` और `skip` से
# वैलिडेशन के 20% बैच टेस्ट सेट में डाल देता है। लेकिन उसका वैलिडेशन डेटासेट
# `shuffle=True` से बना है, जो **हर बार पढ़ने पर नए सिरे से शफ़ल** करता है: टेस्ट
# सेट जब भी पढ़ा जाए, उसमें अलग इमेज होती हैं, और उनमें से ज़्यादातर वैलिडेशन सेट
# में भी आती हैं। यानी उसकी "टेस्ट सटीकता (test accuracy)" उन इमेज पर मापी जाती है
# जो वैलिडेशन में इस्तेमाल हो चुकी हैं। इसे डेटा लीक कहते हैं।
#
# हम इसकी जगह *फ़ाइलों* को बाँटते हैं: `SEED` से एक बार शफ़ल, फिर बँटवारा, और
# टेस्ट इमेज उतनी ही जितनी ट्यूटोरियल के 32-इमेज वाले बैचों के 20% में होती हैं।
# दोनों सेट में एक भी इमेज साझा नहीं है, वे तय रहते हैं, और बैच साइज़ (batch size)
# बदलने से नहीं बदलते।

# %%
split = splits.make_split(report, IMG_SIZE, TEST_FRACTION, SEED)
assert set(split.validation.paths).isdisjoint(split.test.paths)
assert len(split.validation) + len(split.test) == len(report.splits["validation"])
validation_dataset = pipeline.make_dataset(split.validation, IMG_SIZE, BATCH_SIZE)
test_dataset = pipeline.make_dataset(split.test, IMG_SIZE, BATCH_SIZE)

# %% [markdown] translates="39387d60dec5"
# बैचों की गिनती: असली डेटा पर 26 वैलिडेशन और 6 टेस्ट बैच, ट्यूटोरियल जितने ही, पर
# अब अलग-अलग इमेज से बने हुए।

# %%
print("Number of validation batches:", pipeline.count_batches(validation_dataset))
print("Number of test batches:", pipeline.count_batches(test_dataset))

# %% [markdown] translates="ad7c2bc5f814"
# *अतिरिक्त कोड: ट्यूटोरियल का लीक, मापकर।* हम ट्यूटोरियल वाला स्प्लिट दोबारा
# बनाते हैं (`shuffle=True`, फिर `take`/`skip`), उसके टेस्ट सेट और वैलिडेशन सेट को
# एक-एक बार पढ़ते हैं, और गिनते हैं कि कितनी टेस्ट इमेज के ठीक वही पिक्सेल
# वैलिडेशन में भी हैं। (यह फ़ोल्डर को सीधे पढ़ता है, इसलिए इसके लिए ऐसा फ़ोल्डर
# चाहिए जिसकी हर फ़ाइल डिकोड हो।)


# %%
def pixel_hashes(dataset):
    return {hash(image.numpy().tobytes()) for batch, _ in dataset for image in batch}


ours = pixel_hashes(test_dataset) & pixel_hashes(validation_dataset)
print(f"our split:        {len(ours)} test images also in validation")
assert not ours
if not report.skipped and not report.converted:
    tutorial_validation = tf.keras.utils.image_dataset_from_directory(
        validation_dir, shuffle=True, batch_size=BATCH_SIZE,
        image_size=IMG_SIZE, verbose=False,
    )
    tutorial_test_batches = pipeline.count_batches(tutorial_validation) // 5
    tutorial_test = tutorial_validation.take(tutorial_test_batches)
    tutorial_validation = tutorial_validation.skip(tutorial_test_batches)
    leaked = pixel_hashes(tutorial_test) & pixel_hashes(tutorial_validation)
    print(f"tutorial's split: {len(leaked)} test images also in validation")

# %% [markdown] translates="d6be3c7a40fd"
# ## आगे की नोटबुक के लिए स्प्लिट सेव करना
# फ़ाइलों की सूचियाँ, क्लास के नाम, इमेज साइज़ और उन्हें बनाने वाली सेटिंग
# आर्टिफ़ैक्ट फ़ोल्डर की फ़ाइल `split.json` में जाती हैं। नोटबुक 02-06 इसे लोड
# करती हैं, वैसे ही जैसे 04 उस मॉडल को लोड करती है जिसे 03 ने ट्रेन किया: वे
# दोबारा कभी स्प्लिट नहीं करतीं, इसलिए उनमें किया गया कोई भी बदलाव किसी इमेज को
# वैलिडेशन से टेस्ट में (या उल्टा) नहीं ले जा सकता। हर ट्रेन किया गया मॉडल स्प्लिट
# की id दर्ज करता है, और जिस नोटबुक को कोई दूसरा स्प्लिट मिले, वह यह बता देती है।

# %%
split_path = splits.save_split(split, ARTIFACTS_DIR)
print("saved", split_path.name, "| split id", split.id)
print({part: len(getattr(split, part)) for part in splits.PARTS})
assert splits.load_split(ARTIFACTS_DIR).test == split.test

# %% [markdown] translates="0c7f7121127a"
# अगर कोई ऐसा फ़ोल्डर हो जो सेशन के बाद भी बना रहे (`TL_PERSIST_DIR`, या
# `USE_DRIVE` के साथ Google Drive), तो एक कॉपी वहाँ भी जाती है, अगले सेशन के लिए।

# %% tags=["course"]
catchup.keep(ARTIFACTS_DIR, "split", use_drive=USE_DRIVE)

# %% [markdown] translates="8d00fa609dda"
# ## प्रीफ़ेच
# `prefetch`, यानी प्रीफ़ेच (prefetch), अगले बैच तब तैयार करता है जब मॉडल मौजूदा
# बैच पर काम कर रहा होता है। आगे की नोटबुक अपने हर डेटासेट में इसे जोड़ती हैं।

# %%
AUTOTUNE = tf.data.AUTOTUNE
train_dataset = train_dataset.prefetch(buffer_size=AUTOTUNE)
validation_dataset = validation_dataset.prefetch(buffer_size=AUTOTUNE)
test_dataset = test_dataset.prefetch(buffer_size=AUTOTUNE)

# %% [markdown] translates="02819abc4045"
# ## अभ्यास
# ये अभ्यास एक पैरामीटर बदलकर उसके असर का अंदाज़ा लगाने से शुरू होते हैं और कोड
# का विस्तार करने तक जाते हैं। हर अभ्यास (exercise) के साथ एक **संकेत (hint)** और
# एक पूरा समझाया हुआ **हल (solution)** है, दोनों छिपे हुए: पहले ख़ुद कोशिश करें,
# फिर *संकेत* या *हल* पर क्लिक करके उन्हें खोलें। हल का कोड तब चलता है जब यह
# नोटबुक ऊपर से पूरी चल चुकी हो (पहले Run All): उसे आख़िर में एक नए सेल में पेस्ट
# करें। वह इस नोटबुक की सेव की हुई कोई भी फ़ाइल नहीं बदलता।

# %% [markdown] translates="98ac97f88ca4"
# ### अभ्यास 1 (अंदाज़ा लगाएँ): दूसरा सीड
# `parameters` सेल में `SEED = 123` तय करता है कि कौन-सी वैलिडेशन इमेज टेस्ट इमेज
# बनेंगी। आज़माने से पहले अंदाज़ा लगाएँ: `SEED = 7` के साथ कौन-सा हिस्सा बदलेगा
# (ट्रेनिंग, वैलिडेशन, टेस्ट)? क्या वैलिडेशन और टेस्ट में तब भी कोई इमेज साझा
# होगी? और दो मॉडल की तुलना करते समय ऐसा तय टेस्ट सेट, जो वैलिडेशन से बिल्कुल अलग
# हो, क्यों ज़रूरी है?
#
# <details><summary>संकेत</summary>
#
# देखें कि `splits.make_split` क्या शफ़ल करता है: ट्रेनिंग `train/` फ़ोल्डर से आती
# है, वैलिडेशन और टेस्ट दोनों `validation/` फ़ोल्डर से काटे जाते हैं।
#
# </details>
#
# <details><summary>हल</summary>
#
# 2,000 ट्रेनिंग इमेज वही रहती हैं (सिर्फ़ वह क्रम बदलता है जिसमें हर एपॉक उन्हें
# पढ़ता है)। वैलिडेशन और टेस्ट उन्हीं 1,000 `validation/` इमेज से फिर से काटे जाते
# हैं: संयोग से नई टेस्ट इमेज में से लगभग पाँचवाँ हिस्सा पहले भी टेस्ट इमेज था,
# बाक़ी पहले वैलिडेशन इमेज थीं। दोनों हिस्से फिर भी अलग रहते हैं, क्योंकि बँटवारा
# फ़ाइलों की सूची पर एक ही बार होता है।
#
# तुलना तभी ईमानदार है जब वह एक ही टेस्ट इमेज पर हो: दो अलग-अलग ड्रॉ पर मापे गए दो
# मॉडल सिर्फ़ संयोग से भी अलग दिखते हैं (05 में एक टेस्ट इमेज सटीकता का आधा प्रतिशत
# अंक है)। इसीलिए हर मॉडल स्प्लिट की id दर्ज करता है, और 04 व 05 दूसरे स्प्लिट पर
# ट्रेन हुआ मॉडल लेने से मना कर देती हैं।
#
# दूसरे सीड के साथ यह नोटबुक दोबारा चलाने से नया स्प्लिट *सेव* हो जाता है: उसके
# बाद 03, 04 और 05 दोबारा चलाएँ, या `SEED = 123` वापस रखकर यह नोटबुक दोबारा चलाएँ।
# नीचे का कोड सीड 7 वाला स्प्लिट बिना सेव किए बनाता है:
#
# ```python
# other = splits.make_split(report, IMG_SIZE, TEST_FRACTION, 7)
# assert set(other.validation.paths).isdisjoint(other.test.paths)
# assert other.train == split.train  # the same training images
# kept = set(other.test.paths) & set(split.test.paths)
# print(f"{len(kept)} of {len(other.test)} test images were test images before")
# print("split id:", split.id, "->", other.id)
# ```
#
# </details>

# %% [markdown] translates="0c95a0dacdf8"
# ### अभ्यास 2 (अंदाज़ा लगाएँ): छोटा टेस्ट सेट
# `TEST_FRACTION = 0.1` रखें। कितनी टेस्ट इमेज होंगी, और 05 की टेस्ट सटीकता कितनी
# कम भरोसेमंद हो जाएगी?
#
# <details><summary>संकेत</summary>
#
# ट्यूटोरियल के `take` की तरह, टेस्ट सेट 32 इमेज वाले पूरे बैचों से बनता है
# (`splits.TEST_BATCH`): 1,000 वैलिडेशन इमेज के 32 बैचों का उतना हिस्सा, नीचे की
# ओर पूर्णांक किया हुआ। *n* इमेज पर मापी गई सटीकता की अनिश्चितता 1/sqrt(*n*) की
# तरह घटती है।
#
# </details>
#
# <details><summary>हल</summary>
#
# `int(32 * 0.1)` यानी 3 बैच: 96 टेस्ट इमेज, अभी से आधी, और बाक़ी 904 इमेज
# वैलिडेशन में। तब एक टेस्ट इमेज सटीकता का लगभग एक प्रतिशत अंक होगी, और 05 जो मानक
# त्रुटि (standard error) प्रिंट करती है, वह sqrt(2) गुना, यानी लगभग 1.4 गुना
# बढ़ जाएगी: टेस्ट सेट दो मॉडल
# में तभी फ़र्क़ कर पाएगा जब उनका अंतर और बड़ा हो। (`SEED` की तरह, नोटबुक दोबारा
# चलाने पर यह सेटिंग भी नया स्प्लिट सेव करती है।) कुछ भी सेव किए बिना:
#
# ```python
# trial = splits.make_split(report, IMG_SIZE, 0.1, SEED)
# print({part: len(getattr(trial, part)) for part in splits.PARTS})
# assert len(trial.validation) + len(trial.test) == len(report.splits["validation"])
# print(f"standard error x {(len(split.test) / len(trial.test)) ** 0.5:.2f}")
# ```
#
# </details>

# %% [markdown] translates="6649ad278014"
# ### अभ्यास 3 (जाँचें): क्या क्लास बराबर हैं?
# स्प्लिट के हर हिस्से में बिल्लियाँ और कुत्ते गिनें। क्या टेस्ट सेट संतुलित है?
# क्या उसे होना ही चाहिए?
#
# <details><summary>संकेत</summary>
#
# `split.test.labels` में हर इमेज का एक लेबल है (cats के लिए 0, dogs के लिए 1:
# फ़ोल्डर वर्णक्रम में); `np.bincount` उन्हें गिनता है।
#
# </details>
#
# <details><summary>हल</summary>
#
# ट्रेनिंग इमेज हर क्लास की 1,000 हैं और `validation/` फ़ोल्डर में हर क्लास की 500
# (ऊपर जाँच का सारांश देखें)। टेस्ट सेट `validation/` में से रैंडम (random, यानी
# यादृच्छिक) ढंग से निकाला जाता है, इसलिए वह मोटे तौर पर ही संतुलित है: सेव किए गए रन
# में 102 बिल्लियाँ और 90 कुत्ते (05 उन्हें *support* के रूप में प्रिंट करती है)।
# इसमें कोई दिक़्क़त नहीं, बशर्ते आप हर क्लास को अलग से भी देखें (05 का प्रिसिज़न और
# रीकॉल)। बहुत असंतुलित टेस्ट सेट पर तो वह मॉडल भी अच्छा दिखेगा जो हमेशा बड़ी क्लास ही
# बताता है।
#
# ```python
# for part in splits.PARTS:
#     files = getattr(split, part)
#     counts = np.bincount(files.labels, minlength=len(class_names))
#     print(f"{part:<11}", dict(zip(class_names, counts.tolist())))
#     assert counts.sum() == len(files)
# ```
#
# </details>

# %% [markdown] translates="b0eab653992a"
# ### अभ्यास 4 (विस्तार करें): आपकी अपनी इमेज
# ट्यूटोरियल वाले ढाँचे (`train/<class>/` और `validation/<class>/`) में दो क्लास
# का एक छोटा फ़ोल्डर बनाएँ, जिसमें एक फ़ाइल ऐसी हो जो इमेज नहीं है, और उसे
# `checks.check_dataset` से जाँचें। वह क्या बताता है? फिर उस पर पूरा कोर्स कैसे
# चलाएँगे?
#
# <details><summary>संकेत</summary>
#
# जाँच के लिए हर क्लास की कुछ इमेज काफ़ी हैं। `check_dataset(folder,
# work_dir=...)` अपना नतीजा `work_dir` में याद रखता है: उसे कोई अस्थायी फ़ोल्डर
# दें, `ARTIFACTS_DIR` नहीं, ताकि इस नोटबुक की अपनी जाँच जैसी है वैसी रहे।
#
# </details>
#
# <details><summary>हल</summary>
#
# रिपोर्ट इमेज रख लेती है और टेक्स्ट फ़ाइल को कारण के साथ छोड़ी गई फ़ाइलों में
# दिखाती है; कुछ भी मिटाया नहीं जाता। (कोड कुछ एक-रंगी इमेज बनाता है; उनकी जगह
# अपनी फ़ोटो इस्तेमाल करें।) अपने फ़ोल्डर पर ट्रेन करने के लिए JupyterLab शुरू
# करने से पहले `TL_DATA_DIR` उस पर सेट करें ([README.hi.md](../README.hi.md):
# *बिना इंटरनेट के, लोकल कॉपी और क्लासरूम मिरर*) और नोटबुक 01 से चलाएँ: बाद की हर
# नोटबुक 01 के स्प्लिट पर चलती है। ठीक दो क्लास रखें: मॉडल का एक ही आउटपुट है।
#
# ```python
# import shutil
# import tempfile
# from pathlib import Path
#
# from PIL import Image
#
# own = Path(tempfile.mkdtemp()) / "my_dataset"
# for part in ("train", "validation"):
#     for name, colour in (("apples", (200, 40, 40)), ("pears", (120, 200, 60))):
#         folder = own / part / name
#         folder.mkdir(parents=True)
#         for i in range(3):
#             Image.new("RGB", (64, 48), colour).save(folder / f"{name}{i}.jpg")
# (own / "train" / "apples" / "notes.jpg").write_text("not a picture")
# own_report = checks.check_dataset(own, work_dir=own.parent / "work", progress=False)
# print(own_report.summary())
# assert own_report.class_names == ("apples", "pears")
# assert len(own_report.skipped) == 1
# shutil.rmtree(own.parent)  # the demo folder is not needed any more
# ```
#
# </details>

# %% [markdown] translates="90b492e6d717"
# अगली नोटबुक: [02_augmentation](02_augmentation.ipynb)।
