"""tools/config.py: page labels (a language that leaves one out takes the default's)
and the notebooks branch."""

from __future__ import annotations

import copy
import os

import pytest

from tests.conftest import ROOT
from tools import config

LABELS = {
    "download": "Download",
    "script": "Script",
    "notebook": "Notebook",
    "runtime": "{seconds} s",
    "provenance": "{date} {python} {torch} {device} {memory}",
    "figure": "Figure {number}: {description}",
    "status_columns": ["Lesson", "Time", "Memory", "Ran on", "Build", "Date"],
    "executed": "executed",
    "cached": "cached",
    "used_in": "Used in the lessons:",
    "colab": "Open in Colab",
    "install": "Installs nnguide where it is missing.",
    "solution": "Solution",
    "archive": "All lessons (.zip)",
}
SETTINGS = {
    "extra": {"nnguide": {}},
    "plugins": [
        {
            "i18n": {
                "languages": [
                    {
                        "locale": "en",
                        "name": "English",
                        "default": True,
                        "extra": {"labels": LABELS},
                    },
                    {"locale": "xx", "name": "Stub", "extra": {"labels": dict(LABELS)}},
                ]
            }
        }
    ],
}


def settings_without(code: str, label: str) -> dict:
    data = copy.deepcopy(SETTINGS)
    for language in data["plugins"][0]["i18n"]["languages"]:
        if language["locale"] == code:
            del language["extra"]["labels"][label]
    return data


@pytest.mark.parametrize("label", sorted(LABELS))
def test_a_language_without_a_label_takes_the_default_language_s(label):
    project = config.from_mapping(settings_without("xx", label), ROOT)
    assert getattr(project.language("xx").labels, label) == getattr(
        project.language("en").labels, label
    )


def test_a_language_s_own_labels_are_used():
    data = copy.deepcopy(SETTINGS)
    data["plugins"][0]["i18n"]["languages"][1]["extra"]["labels"]["download"] = "ダウンロード"
    project = config.from_mapping(data, ROOT)
    assert project.language("xx").labels.download == "ダウンロード"
    assert project.language("en").labels.download == "Download"


@pytest.mark.parametrize("label", sorted(LABELS))
def test_the_default_language_must_declare_every_label(label):
    with pytest.raises(config.ConfigError, match=rf"the i18n language 'en' .* needs '{label}'"):
        config.from_mapping(settings_without("en", label), ROOT)


def test_an_unknown_label_is_named():
    data = copy.deepcopy(SETTINGS)
    data["plugins"][0]["i18n"]["languages"][1]["extra"]["labels"]["dowload"] = "x"
    with pytest.raises(config.ConfigError, match=r"'xx' .* unknown labels \['dowload'\]"):
        config.from_mapping(data, ROOT)


def test_status_columns_must_name_every_column():
    data = copy.deepcopy(SETTINGS)
    data["plugins"][0]["i18n"]["languages"][1]["extra"]["labels"]["status_columns"] = ["a"]
    with pytest.raises(config.ConfigError, match="status_columns must be a list of 6"):
        config.from_mapping(data, ROOT)


def test_the_site_declares_used_in_in_every_language():
    for language in config.load().languages:
        assert language.labels.used_in.strip()


def test_the_notebooks_branch_has_a_default_and_must_be_a_branch_name():
    assert config.from_mapping(copy.deepcopy(SETTINGS), ROOT).notebooks_branch == "notebooks"
    data = copy.deepcopy(SETTINGS)
    data["extra"]["nnguide"]["notebooks_branch"] = "no branch"
    with pytest.raises(config.ConfigError, match="notebooks_branch"):
        config.from_mapping(data, ROOT)


def test_an_edited_configuration_is_read_again_though_its_time_and_size_are_the_same(tmp_path):
    settings = (ROOT / config.CONFIG_FILE).read_text(encoding="utf-8")
    path = tmp_path / config.CONFIG_FILE
    path.write_text(settings, encoding="utf-8")
    assert config.load(tmp_path).timeout == 300
    stat = path.stat()
    edited = settings.replace("    timeout: 300 ", "    timeout: 900 ", 1)  # same size
    assert edited != settings and len(edited) == len(settings)
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # within one tick of the clock
    assert config.load(tmp_path).timeout == 900
