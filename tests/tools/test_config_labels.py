"""tools/config.py: page labels, and the fallback of a label a language leaves out."""

from __future__ import annotations

import copy

import pytest

from tests.conftest import ROOT
from tools import config

LABELS = {
    "download": "Download",
    "script": "Script",
    "notebook": "Notebook",
    "runtime": "{seconds} s",
    "used_in": "Used in the lessons:",
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


def test_a_language_without_used_in_takes_the_default_language_s():
    data = settings_without("xx", "used_in")
    data["plugins"][0]["i18n"]["languages"][0]["extra"]["labels"]["used_in"] = "Lessons:"
    project = config.from_mapping(data, ROOT)
    assert project.language("xx").labels.used_in == "Lessons:"


def test_the_default_language_must_declare_every_label():
    with pytest.raises(config.ConfigError, match=r"the i18n language 'en' .* needs 'used_in'"):
        config.from_mapping(settings_without("en", "used_in"), ROOT)


def test_a_label_without_a_fallback_is_required_in_every_language():
    with pytest.raises(config.ConfigError, match=r"the i18n language 'xx' .* needs 'runtime'"):
        config.from_mapping(settings_without("xx", "runtime"), ROOT)


def test_the_site_declares_used_in_in_every_language():
    for language in config.load().languages:
        assert language.labels.used_in.strip()
