"""helpers/settings.py: one rule for every TL_* variable (the environment wins
over the notebook's parameter, which wins over the default), applied where each
is read, and the README's table made from it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import (
    artifacts,
    assets,
    checks,
    errors,
    persist,
    settings,
)

ROOT = Path(__file__).resolve().parents[2]
NAMES = sorted(settings.SETTINGS)


@pytest.mark.parametrize("name", NAMES)
def test_the_variable_wins_over_the_parameter_which_wins_over_the_default(
        name, monkeypatch):
    default = settings.get_setting(name).default
    monkeypatch.delenv(name, raising=False)
    assert settings.resolve(name) == default
    assert settings.resolve_with_source(name) == (default, "default")
    assert settings.resolve(name, "from-the-notebook") == "from-the-notebook"
    monkeypatch.setenv(name, "")  # empty: as if unset
    assert settings.resolve(name, "from-the-notebook") == "from-the-notebook"
    monkeypatch.setenv(name, "from-the-environment")
    assert settings.resolve(name, "from-the-notebook") == "from-the-environment"
    assert settings.resolve(name) == "from-the-environment"
    assert settings.resolve_with_source(name, "x") == ("from-the-environment", name)


def test_an_unknown_setting_is_refused():
    with pytest.raises(KeyError, match="TL_DATA_DIR"):
        settings.resolve("TL_NO_SUCH_THING")


READ = re.compile(r"(?:environ\.get\(|environ\[|getenv\(|resolve\(|"
                  r"resolve_with_source\(|read_environment\()\s*[\"'](TL_\w+)")


def test_every_tl_variable_the_code_reads_is_a_setting():
    read = set()
    for folder in ("helpers", "scripts", "tests"):
        for path in (ROOT / folder).glob("**/*.py"):
            read |= set(READ.findall(path.read_text()))
    assert {"TL_WEIGHTS", "TL_CHROMIUM"} <= read  # the search finds them
    read -= {"TL_NO_SUCH_THING"}  # this file's own example
    assert read <= set(settings.SETTINGS), sorted(read - set(settings.SETTINGS))


def test_tl_weights_wins_over_the_notebooks_weights(tmp_path, monkeypatch,
                                                    weights_file):
    mine = tmp_path / "mine.h5"
    mine.write_bytes(weights_file.read_bytes())
    monkeypatch.setenv("TL_WEIGHTS", str(weights_file))
    assert assets.prepare_weights(str(mine), progress=False) == str(weights_file)
    monkeypatch.delenv("TL_WEIGHTS")
    assert assets.prepare_weights(str(mine), progress=False) == str(mine)
    with pytest.raises(errors.AssetError, match="WEIGHTS='nowhere.h5' is not a"):
        assets.prepare_weights("nowhere.h5", progress=False)
    monkeypatch.setenv("TL_WEIGHTS", str(tmp_path / "missing.h5"))
    with pytest.raises(errors.AssetError, match="TL_WEIGHTS=.*missing.h5"):
        assets.prepare_weights(str(mine), progress=False)


def test_tl_artifacts_dir_wins_over_the_notebooks_artifacts_dir(tmp_path,
                                                                monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert artifacts.get_artifacts_dir() == Path("../artifacts")
    assert artifacts.get_artifacts_dir("mine") == Path("mine")
    monkeypatch.setenv("TL_ARTIFACTS_DIR", str(tmp_path / "env"))
    assert artifacts.get_artifacts_dir("mine") == tmp_path / "env"


def test_tl_own_data_dir_wins_over_data_dir(tmp_path, monkeypatch):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert checks.find_own_data_dir(tmp_path / "a") == (tmp_path / "a").resolve()
    monkeypatch.setenv("TL_OWN_DATA_DIR", str(tmp_path / "b"))
    assert checks.find_own_data_dir(tmp_path / "a") == (tmp_path / "b").resolve()
    monkeypatch.setenv("TL_OWN_DATA_DIR", str(tmp_path / "c"))
    with pytest.raises(errors.DatasetError, match="TL_OWN_DATA_DIR=.*does not"):
        checks.find_own_data_dir(tmp_path / "a")


def test_tl_data_dir_wins_over_data_dir(tmp_path, monkeypatch, dataset_dir):
    assert assets.get_dataset_dir(False, data_dir=dataset_dir) == dataset_dir
    monkeypatch.setenv("TL_DATA_DIR", str(tmp_path / "missing"))
    with pytest.raises(errors.AssetError, match="TL_DATA_DIR=.*does not exist"):
        assets.get_dataset_dir(False, data_dir=dataset_dir)


def test_the_url_variables_and_the_mirror(monkeypatch):
    urls = ("https://example.org/a.zip",)
    assert assets.get_origins("a.zip", "TL_DATA_URL", urls) == list(urls)
    monkeypatch.setenv("TL_MIRROR", "http://mirror:8000/")
    assert assets.get_origins("a.zip", "TL_DATA_URL", urls) == [
        "http://mirror:8000/a.zip", *urls]
    monkeypatch.setenv("TL_DATA_URL", "http://x/1.zip, http://y/2.zip")
    assert assets.get_origins("a.zip", "TL_DATA_URL", urls) == [
        "http://x/1.zip", "http://y/2.zip"]
    monkeypatch.setenv("TL_WEIGHTS_URL", "http://w/x.h5")
    assert assets.get_origins("x.h5", "TL_WEIGHTS_URL", "u") == ["http://w/x.h5"]


def test_tl_persist_dir(tmp_path, monkeypatch):
    assert persist.get_persist_dir(mount_drive=True) is None  # not on Colab
    monkeypatch.setenv("TL_PERSIST_DIR", str(tmp_path))
    assert persist.get_persist_dir() == tmp_path


def test_the_readme_table_is_current():
    done = subprocess.run([sys.executable, str(ROOT / "scripts" /
                                               "settings_table.py"), "--check"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert settings.format_table() in readme


def test_a_stale_readme_is_found_and_rewritten(tmp_path):
    sys.path.insert(0, str(ROOT / "scripts"))
    import settings_table

    readme = tmp_path / "README.md"
    readme.write_text("# x\n<!-- settings-table -->\nold\n<!-- /settings-table -->\n")
    assert settings_table.main(["--check", "--readme", str(readme)]) == 1
    assert settings_table.main(["--readme", str(readme)]) == 0
    assert settings_table.main(["--check", "--readme", str(readme)]) == 0
    assert "\nold\n" not in readme.read_text() and "`TL_WEIGHTS`" in readme.read_text()
    readme.write_text("no markers\n")
    assert settings_table.main(["--check", "--readme", str(readme)]) == 2
