"""Distribution strategies (notebook 08, helpers/scaling.py) in subprocesses: the
strategies train the same weights as one device, on CPUs. What scaling.py
decides in this process (strategy, batch size, mixed precision) is tested in
tests/unit/test_scaling.py.

Two tests need a fresh Python (``tests/distribute_worker.py``): splitting the CPU
into logical devices and ``MultiWorkerMirroredStrategy`` both configure
TensorFlow's runtime, which only a process that has not used TensorFlow yet can
do. Every subprocess has a timeout and is killed, with its process group, when
the test ends. The whole file takes under a minute on a 2-core CPU.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
WORKER = ROOT / "tests" / "distribute_worker.py"
#: Distributed weights against one device's, after 8 SGD steps of a tiny model.
#: Both compute the same average gradient over the same 16 examples per step;
#: only the order of float32 additions differs (two half-batch means averaged vs
#: one mean), a relative error of about 1e-7 per step. Measured: about 3e-8
#: after 8 steps. 1e-5 leaves room for other CPUs and TensorFlow versions, and is
#: far below what any real mistake moves (a learning rate 1% off moves the
#: weights by about 1e-3: asserted below).
ATOL = 1e-5
TIMEOUT = 120  # seconds, per subprocess


def start(args, log: Path, env=None) -> subprocess.Popen:
    """A worker in its own process group, its output to ``log``."""
    full_env = {k: v for k, v in os.environ.items() if k != "TF_CONFIG"}
    full_env.update(TF_CPP_MIN_LOG_LEVEL="3", **(env or {}))
    return subprocess.Popen([sys.executable, str(WORKER), *map(str, args)],
                            env=full_env, stdout=log.open("w"),
                            stderr=subprocess.STDOUT, start_new_session=True)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.wait(timeout=30)


def wait_all(procs: dict, logs: dict, timeout: float = TIMEOUT) -> None:
    """Wait until every process ends; fail with the log of one that failed or
    did not end in time (the caller kills them)."""
    deadline = time.monotonic() + timeout
    for name, proc in procs.items():
        try:
            proc.wait(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pytest.fail(f"{name} still running after {timeout} s:\n"
                        + logs[name].read_text()[-3000:])
        if proc.returncode != 0:
            pytest.fail(f"{name} failed ({proc.returncode}):\n"
                        + logs[name].read_text()[-3000:])


def load(out: Path) -> tuple[dict, dict]:
    with np.load(out.with_suffix(".npz")) as arrays:
        weights = {name: arrays[name] for name in arrays.files}
    return weights, json.loads(out.with_suffix(".json").read_text())


def run_of(weights: dict, run: str) -> list:
    keys = sorted((k for k in weights if k.startswith(f"{run}/")),
                  key=lambda k: int(k.split("/")[1]))
    assert keys, f"no weights for {run}"
    return [weights[k] for k in keys]


def max_difference(a: list, b: list) -> float:
    assert [x.shape for x in a] == [y.shape for y in b]
    return max(float(np.max(np.abs(x - y))) for x, y in zip(a, b))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_mirrored_strategy_on_two_cpus_trains_like_one_device(tmp_path):
    out, log = tmp_path / "mirrored", tmp_path / "mirrored.log"
    proc = start(["mirrored", out], log)
    try:
        wait_all({"mirrored": proc}, {"mirrored": log})
    finally:
        stop(proc)
    weights, info = load(out)
    assert info["replicas"] == 2 and len(info["devices"]) == 2
    one, mirrored = run_of(weights, "one_device"), run_of(weights, "mirrored")
    assert max_difference(one, mirrored) <= ATOL
    np.testing.assert_allclose(info["mirrored_loss"], info["one_device_loss"],
                               rtol=1e-5)
    # The tolerance tells real differences apart: 1% off in the learning rate.
    assert max_difference(one, run_of(weights, "one_percent_more")) > 20 * ATOL
    assert max_difference(one, [w * 0 for w in one]) > 0.1  # they did train


def test_two_workers_train_together_like_one_device(tmp_path):
    """MultiWorkerMirroredStrategy: two processes on 127.0.0.1, each with its
    own TF_CONFIG, each keeping half of every global batch (DATA sharding). They
    end with identical weights, and with one device's on the same batches: so
    they exchanged gradients every step."""
    cluster = {"worker": [f"127.0.0.1:{free_port()}" for _ in range(2)]}
    procs, logs = {}, {}
    try:
        for index in range(2):
            config = {"cluster": cluster, "task": {"type": "worker", "index": index}}
            name = f"worker{index}"
            logs[name] = tmp_path / f"{name}.log"
            procs[name] = start(["worker", tmp_path / name], logs[name],
                                {"TF_CONFIG": json.dumps(config)})
        logs["single"] = tmp_path / "single.log"
        procs["single"] = start(["single", tmp_path / "single"], logs["single"])
        wait_all(procs, logs)
    finally:
        for proc in procs.values():
            stop(proc)
    results = {name: load(tmp_path / name) for name in ("worker0", "worker1")}
    for index, (_, info) in enumerate(results.values()):
        assert info["multi_worker"]
        assert info["replicas"] == 2
        assert info["description"].startswith(
            "MultiWorkerMirroredStrategy: 2 machines (TF_CONFIG)")
        assert info["is_chief"] == (index == 0)
    w0 = run_of(results["worker0"][0], "worker")
    w1 = run_of(results["worker1"][0], "worker")
    assert max_difference(w0, w1) == 0.0  # every worker applies the same update
    single_weights, single = load(tmp_path / "single")
    assert max_difference(w0, run_of(single_weights, "single")) <= ATOL
    np.testing.assert_allclose(results["worker0"][1]["loss"], single["loss"],
                               rtol=1e-5)
