"""``reportkit.data.dataset_cache``: an entry round-trips every column exactly, and a bad entry
is refused with the reason (the build's recovery from a bad entry is in
``test_build_faults.py``)."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import pandas as pd
import pytest

from reportkit.data import dataset_cache, validated

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def dataset() -> validated.Dataset:
    return validated.load(ROOT / "data", codes_folder=ROOT / "data" / "codes")


def test_the_data_cache_round_trips_every_column_exactly(dataset: validated.Dataset) -> None:
    back = dataset_cache.decode(dataset_cache.encode(dataset))
    for name in dataset_cache.TABLES:
        pd.testing.assert_frame_equal(getattr(dataset, name), getattr(back, name),
                                      check_exact=True)


def _rehashed(blob: bytes, old: bytes, new: bytes) -> bytes:
    """``blob`` with ``old`` replaced by ``new`` in its payload and a matching hash: damage the
    hash cannot catch."""
    payload = blob.partition(b"\n")[2].replace(old, new, 1)
    assert old != new and payload != blob.partition(b"\n")[2]
    return dataset_cache.MAGIC + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload


def test_an_entry_whose_columns_or_types_differ_from_its_record_is_refused(
    dataset: validated.Dataset,
) -> None:
    blob = dataset_cache.encode(dataset)
    with pytest.raises(ValueError, match="children: column types differ"):
        dataset_cache.decode(_rehashed(blob, b'"age_years": "int64"', b'"age_years": "category"'))
    with pytest.raises(ValueError, match="children: columns differ"):
        dataset_cache.decode(_rehashed(blob, b'"age_years": "int64"', b'"age": "int64"'))
    with pytest.raises(ValueError, match="wrong number of tables"):
        dataset_cache.decode(_rehashed(blob, b"\n", b" "))


@pytest.mark.parametrize(("damage", "reason"), [
    (lambda blob: b"pickle" + blob, "not a reportkit dataset cache entry"),
    (lambda blob: blob[:-10], "does not match its recorded hash"),
    (lambda blob: blob.replace(b'"age_years":4,', b'"age_years":5,', 1),
     "does not match its recorded hash"),
])
def test_a_damaged_entry_is_refused_with_the_reason(dataset: validated.Dataset, damage,
                                                    reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        dataset_cache.decode(damage(dataset_cache.encode(dataset)))


def test_read_is_a_miss_with_a_warning_for_a_bad_entry_and_none_for_no_entry(
    tmp_path: Path, dataset: validated.Dataset, caplog: pytest.LogCaptureFixture
) -> None:
    entry = tmp_path / "datasets" / "x.json"
    assert dataset_cache.read(entry) is None and caplog.text == ""
    dataset_cache.write(entry, dataset)
    assert dataset_cache.read(entry) is not None
    entry.write_bytes(entry.read_bytes()[:100])
    with caplog.at_level(logging.WARNING, logger="reportkit.data.dataset_cache"):
        assert dataset_cache.read(entry) is None
    assert f"ignoring the data cache {entry}" in caplog.text


def test_a_cache_that_cannot_be_written_is_only_a_warning(
    tmp_path: Path, dataset: validated.Dataset, caplog: pytest.LogCaptureFixture
) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    with caplog.at_level(logging.WARNING, logger="reportkit.data.dataset_cache"):
        dataset_cache.write(blocked / "x.json", dataset)  # no exception
    assert "could not write the data cache" in caplog.text
