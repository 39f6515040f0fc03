"""A small training run for the resume tests (run as a subprocess).

    python resumable_fit.py WORK_DIR INITIAL_EPOCH EPOCHS [KILL_AFTER_EPOCH]

Trains a tiny deterministic model with the notebooks' callbacks and backup
record (``prepare_backup``, as 03 and 04 call it). With
KILL_AFTER_EPOCH it kills itself with SIGKILL right after that epoch ends, like
a laptop that dies or a kernel that is killed. Prints the epochs this fit ran.
"""

import json
import os
import signal
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from helpers import training  # noqa: E402

work = Path(sys.argv[1])
initial_epoch, epochs = int(sys.argv[2]), int(sys.argv[3])
kill_after = int(sys.argv[4]) if len(sys.argv) > 4 else None

tf.keras.utils.set_random_seed(0)
x = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
y = (x.sum(axis=1) > 0).astype("float32")
model = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(1)])
model.compile(optimizer=tf.keras.optimizers.Adam(0.05),
              loss=tf.keras.losses.BinaryCrossentropy(from_logits=True))


class Killer(tf.keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        if epoch == kill_after:
            os.kill(os.getpid(), signal.SIGKILL)


backup = work / "backup"
run_info = training.describe_run(model, "split", epochs, initial_epoch, batch_size=64)
resume_at, message = training.prepare_backup(backup, run_info)
resume = resume_at is not None
log = training.make_epoch_log(work / "log.csv", resume=resume)
history = model.fit(x, y, batch_size=64, shuffle=False, verbose=0,
                    initial_epoch=initial_epoch, epochs=epochs,
                    callbacks=[training.make_backup(backup), *log, Killer()])
print(json.dumps({"ran": history.epoch, "resumed": resume, "message": message}))
