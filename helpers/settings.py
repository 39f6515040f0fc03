"""Settings: every ``TL_*`` environment variable the course reads, in one place.

One rule everywhere: **the environment variable wins over the notebook's
parameter, which wins over the default.** So an instructor (or CI, or
``make reproduce``) can point every notebook at local copies without editing
one, and a learner who sets ``WEIGHTS`` in a notebook gets it unless the
environment says otherwise. ``resolve`` applies the rule; the README's table
of settings is made from ``SETTINGS`` (``python scripts/settings_table.py``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    """One environment variable: the notebook parameter it overrides (``None``:
    none), its default, and what it does. ``for_tests``: read by the tests
    only, never by a notebook."""

    name: str
    parameter: str | None
    default: object
    description: str
    for_tests: bool = False


SETTINGS = {
    s.name: s for s in (
        Setting("TL_DATA_DIR", None, None,
                "a local copy of the dataset: a folder with `train/` and "
                "`validation/` inside (or holding `cats_and_dogs_filtered/`), or "
                "its zip; unset: the Keras cache, downloaded once"),
        Setting("TL_OWN_DATA_DIR", "DATA_DIR", None,
                "your own folder of N classes for 07_your_own_data: "
                "`<class>/` (split by file), or `train/<class>/`, "
                "`validation/<class>/`, optional `test/<class>/`"),
        Setting("TL_WEIGHTS", "WEIGHTS", "imagenet",
                "the MobileNetV2 no_top weights: `imagenet` (the tutorial's, "
                "downloaded once into the Keras cache) or a local `.h5` file"),
        Setting("TL_MIRROR", None, None,
                "base URL(s) of a classroom mirror serving both files by name "
                "and the instructor's checkpoints, tried before the internet"),
        Setting("TL_DATA_URL", None, None,
                "exact URL(s) of the dataset zip, tried in order (space or comma "
                "separated); unset: the mirror, then the tutorial's URLs"),
        Setting("TL_WEIGHTS_URL", None, None,
                "exact URL(s) of the weights file, tried in order; unset: the "
                "mirror, then the tutorial's URL"),
        Setting("TL_ARTIFACTS_DIR", "ARTIFACTS_DIR", "../artifacts",
                "where each notebook saves what the next one loads (models, "
                "split, histories); relative to the notebook's folder"),
        Setting("TL_PERSIST_DIR", None, None,
                "a folder that outlives the session, where the catch-up keeps "
                "and finds each notebook's files; unset: Google Drive with "
                "`USE_DRIVE = True` on Colab, else none"),
        Setting("TL_CHROMIUM", None, None,
                "the Chromium the browser test drives; unset: `chromium` on the "
                "PATH", for_tests=True),
        Setting("TL_REQUIRE_BROWSER", None, None,
                "`1`: a missing Chromium fails the browser test instead of "
                "skipping it (CI)", for_tests=True),
        Setting("TL_BROWSER_NOTEBOOKS", None, None,
                "the folder whose `py/` notebooks the browser test opens; unset: "
                "`notebooks/`", for_tests=True),
        Setting("TL_SHARED_DIR", None, None,
                "the folder holding the real assets' copy that "
                "`tests/system/test_subsample.py` rebuilds 07's set from; unset: "
                "`../shared` beside the project, else that test skips",
                for_tests=True),
    )
}


def get_setting(name: str) -> Setting:
    """The setting ``name``; ``KeyError`` naming the known ones."""
    try:
        return SETTINGS[name]
    except KeyError:
        raise KeyError(f"no setting {name!r}; the settings are "
                       f"{sorted(SETTINGS)}") from None


def read_environment(name: str) -> str | None:
    """The environment's value of setting ``name``, ``None`` if unset or empty."""
    get_setting(name)
    return os.environ.get(name) or None


def resolve(name: str, value=None):
    """Setting ``name``: the environment variable if set and not empty, else
    ``value`` (the notebook's parameter) if not ``None``, else the default."""
    from_env = read_environment(name)
    if from_env is not None:
        return from_env
    return value if value is not None else get_setting(name).default


def resolve_with_source(name: str, value=None) -> tuple[object, str]:
    """``(resolve(name, value), where it came from)``: the variable's name, the
    parameter's (``value``), or ``"default"``; for messages that say what to
    change."""
    if read_environment(name) is not None:
        return resolve(name), name
    if value is not None:
        return value, get_setting(name).parameter or "the value given"
    return get_setting(name).default, "default"


def format_table(settings=None) -> str:
    """The settings as a markdown table: variable, parameter, default, what it
    does (the README's, made by ``scripts/settings_table.py``)."""
    rows = ["| variable | notebook parameter | default | what it does |",
            "|---|---|---|---|"]
    for s in (settings or SETTINGS).values():
        parameter = f"`{s.parameter}`" if s.parameter else ""
        default = "" if s.default is None else f"`{s.default}`"
        description = s.description + (" (tests only)" if s.for_tests else "")
        rows.append(f"| `{s.name}` | {parameter} | {default} | {description} |")
    return "\n".join(rows)
