"""Shared fixtures: the real sample files, their gold, and the real transforms run over them."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import settings

# CI explores a fixed set of examples (derandomize) so a landing is reproducible; locally every run
# explores new ones, and what they find becomes a fix and a regression test.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
GOLD = ROOT / "tests" / "gold"
VECTORS = ROOT / "tests" / "vectors"


def assert_truth_is_the_markup(build: Any) -> None:
    """A real-page fixture (tests/fixtures/*pages/build.py): truth.yaml holds to each page's markup, the input
    has the markup off, every page names its source."""
    for name, spec in build.truth().items():
        assert build.check_truth(name, spec) == [], name
        text = build.page_input(name, spec)
        assert "第1版()" not in text and "专栏:" not in text and text.strip(), name
        assert spec["source"].startswith("http"), name


def load_gold(name: str) -> Any:
    return yaml.safe_load((GOLD / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return SAMPLES


@pytest.fixture(scope="session")
def raw_texts() -> dict[str, tuple[str, str]]:
    """file name -> (file_id sha256, decoded text) for the five samples."""
    out = {}
    for p in sorted(SAMPLES.glob("*.txt")):
        data = p.read_bytes()
        out[p.name] = (hashlib.sha256(data).hexdigest(), data.decode("utf-8"))
    return out


@pytest.fixture(scope="session")
def clean_docs(raw_texts):  # type: ignore[no-untyped-def]
    """file name -> CleanDoc, through the real cleaner."""
    from gonghui.transforms.clean import clean_document

    return {name: clean_document(fid, name, text) for name, (fid, text) in raw_texts.items()}


@pytest.fixture(scope="session")
def articles_by_file(clean_docs):  # type: ignore[no-untyped-def]
    """file name -> list[Article], through the real cleaner and segmenter (no manifest)."""
    from gonghui.transforms.segment import segment_document

    return {name: segment_document(doc) for name, doc in clean_docs.items()}


@pytest.fixture(scope="session")
def gold_articles() -> dict[str, Any]:
    return load_gold("articles.yaml")["files"]


@pytest.fixture(scope="session")
def gold_facts() -> list[dict[str, Any]]:
    return load_gold("facts.yaml")["facts"]


@pytest.fixture(scope="session")
def gold_people() -> list[dict[str, Any]]:
    return load_gold("people.yaml")["people"]


@pytest.fixture(scope="session")
def gold_mojibake() -> list[dict[str, Any]]:
    return load_gold("mojibake.yaml")["spans"]
