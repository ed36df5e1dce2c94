"""Tests for ``reportkit.data.synth``: determinism, exact allocation, and the joint structure."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from reportkit.analysis import stats
from reportkit.data import codes
from reportkit.data.synth import (
    BLOCKS,
    EXTRACT_DATE,
    TIMELINE_START,
    assign,
    largest_remainder,
    pick,
    write,
)
from reportkit.data.validated import Dataset, load
from reportkit.paths import data_dir

TEEN_HARMS = (
    "risk_taking_violent", "criminal_exploitation", "child_sexual_exploitation",
    "extrafamilial_sexual_abuse", "young_person_perpetrator",
)  # fmt: skip


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    """The shipped dataset, validated and typed."""
    return load(data_dir())


@pytest.fixture(scope="module")
def kids(dataset: Dataset) -> pd.DataFrame:
    """Children with their notification's columns."""
    return dataset.children.merge(dataset.notifications, on="notification_id", validate="m:1")


# --- determinism ------------------------------------------------------------------------------


def test_regenerating_with_the_default_seed_gives_the_shipped_bytes(tmp_path: Path) -> None:
    for path in write(tmp_path):
        shipped = data_dir() / path.name
        assert path.read_bytes() == shipped.read_bytes(), f"{path.name} differs from shipped"


def test_shipped_files_are_plain_csv() -> None:
    for name in ("notifications.csv", "children.csv"):
        raw = (data_dir() / name).read_bytes()
        assert b"\r" not in raw and raw.endswith(b"\n")
        cells = {cell for row in csv.reader(io.StringIO(raw.decode("utf-8"))) for cell in row}
        assert not cells & {"nan", "NaN", "NaT", "None", "<NA>"}


# --- allocation tools ---------------------------------------------------------------------


def test_largest_remainder_is_exact_and_keeps_the_reference() -> None:
    reference = {"a": 64, "b": 41, "c": 35, "d": 21, "e": 17, "f": 28}
    assert largest_remainder(reference, 206) == reference
    scaled = largest_remainder(reference, 161)
    assert sum(scaled.values()) == 161
    assert all(abs(scaled[k] - reference[k] * 161 / 206) < 1 for k in reference)


def test_assign_meets_quotas_and_never_uses_a_forbidden_cell() -> None:
    rng = np.random.default_rng(1)
    weights = rng.random((60, 3))
    weights[:20, 0] = 0
    result = assign(rng, weights, [15, 25, 20])
    assert np.bincount(result, minlength=3).tolist() == [15, 25, 20]
    assert (result[:20] != 0).all()


def test_assign_refuses_infeasible_quotas() -> None:
    weights = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match="forbidden"):
        assign(np.random.default_rng(0), weights, [1, 2])


def test_pick_takes_exactly_k_with_required_and_forbidden_rows() -> None:
    weights = np.array([np.inf, 0, 1, 1, 1, 0, np.inf])
    chosen = pick(np.random.default_rng(3), weights, 4)
    assert chosen.sum() == 4 and chosen[0] == chosen[6] == 1
    assert chosen[1] == chosen[5] == 0
    with pytest.raises(ValueError):
        pick(np.random.default_rng(3), weights, 6)


def test_blocks_are_disjoint_and_cover_the_timeline() -> None:
    segments = [segment for block in BLOCKS for segment in block.segments]
    assert segments[0].start == TIMELINE_START and segments[-1].end == EXTRACT_DATE
    for before, after in zip(segments, segments[1:], strict=False):
        assert (after.start - before.end).days == 1


# --- joint structure --------------------------------------------------------------------------


def test_sudi_deaths_are_one_baby_and_suicides_are_teenagers(kids: pd.DataFrame) -> None:
    sudi = kids[kids["cause_of_death"] == "sudi"]
    assert len(sudi) == sudi["notification_id"].nunique() and (sudi["age_years"] == 0).all()
    suicide = kids[kids["cause_of_death"] == "suicide"]
    assert len(suicide) == suicide["notification_id"].nunique()
    assert suicide["age_years"].between(12, 17).all()


def test_extra_familial_harms_are_to_older_children(kids: pd.DataFrame) -> None:
    teen = kids[kids["form_of_harm"].isin(TEEN_HARMS)]
    first = teen.drop_duplicates("notification_id")
    assert len(first) > 300 and first["age_years"].between(11, 17).all()


def test_non_accidental_injury_is_non_fatal_physical_abuse_of_babies(kids: pd.DataFrame) -> None:
    notes = kids.drop_duplicates("notification_id")
    nai = notes[notes["non_accidental_injury"] == 1]
    assert (nai["outcome"] == "serious_harm").all()
    assert (nai["form_of_harm"] == "physical_abuse").all()
    assert (nai["age_years"] <= 1).all() and (nai["age_years"] == 0).mean() > 0.7


def test_neglect_as_primary_harm_is_always_a_neglect_feature(dataset: Dataset) -> None:
    notes = dataset.notifications
    assert (notes.loc[notes["form_of_harm"] == "neglect", "neglect_feature"] == 1).all()


def test_exploitation_background_is_mostly_among_teenagers_in_risk_or_exploitation(
    dataset: Dataset,
) -> None:
    notes = dataset.notifications
    flagged = notes[notes["exploitation_background"] == 1]
    mostly = flagged["form_of_harm"].isin(["risk_taking_violent", "criminal_exploitation"])
    assert mostly.mean() > 0.6
    assert (flagged["cause_of_death"] != "sudi").all()


def test_sibling_groups_are_non_fatal_maltreatment_with_different_ages(
    kids: pd.DataFrame,
) -> None:
    sizes = kids.groupby("notification_id").size()
    groups = kids[kids["notification_id"].isin(sizes[sizes > 1].index)]
    assert sizes.max() == 3 and (sizes > 1).sum() > 50
    assert (groups["outcome"] != "death").all()
    assert not groups["form_of_harm"].isin(TEEN_HARMS).any()
    ages = groups.groupby("notification_id")["age_years"]
    assert (ages.nunique() == ages.size()).all()
    same = groups.groupby("notification_id")["ethnicity"].nunique() == 1
    assert same.mean() > 0.8


def test_dates_hang_together(dataset: Dataset) -> None:
    notes = dataset.notifications
    lag = (notes["notification_date"] - notes["incident_date"]).dt.days
    assert lag.between(0, 20).all() and lag.between(1, 5).mean() > 0.5
    assert notes["notification_date"].min() >= pd.Timestamp(TIMELINE_START)
    assert notes["notification_date"].max() <= pd.Timestamp(EXTRACT_DATE)
    received = notes.dropna(subset=["rapid_review_date"])
    assert (received["rapid_review_date"] > received["notification_date"]).all()
    waiting = notes[notes["rapid_review_date"].isna()]
    assert 0 < len(waiting) < 60
    assert waiting["notification_date"].min() >= pd.Timestamp(2024, 1, 1)
    assert (waiting["local_review_decision"] == "pending").all()


def test_rapid_reviews_and_local_review_decisions_are_plausible(dataset: Dataset) -> None:
    notes = dataset.notifications
    timeliness = stats.rapid_review_timeliness(notes, expectation_days=15)
    assert 0.6 < timeliness.within_expectation.percent / 100 < 0.8
    decided = notes[notes["local_review_decision"] != "pending"]
    lcspr = (decided["local_review_decision"] == "lcspr").mean()
    assert 0.28 < lcspr < 0.40
    early = stats.select_period(notes, date(2018, 7, 1), date(2023, 6, 30))
    assert (early["local_review_decision"] != "pending").all()


def test_ids_follow_notification_date_order(dataset: Dataset) -> None:
    notes, children = dataset.notifications, dataset.children
    assert notes["notification_id"].tolist() == [f"N{i:06d}" for i in range(1, len(notes) + 1)]
    assert notes["notification_date"].is_monotonic_increasing
    assert children["child_id"].tolist() == [f"C{i:06d}" for i in range(1, len(children) + 1)]
    assert children["notification_id"].is_monotonic_increasing


def test_places_are_consistent_and_weighted_by_size(dataset: Dataset) -> None:
    notes = dataset.notifications
    regions = {row["la_code"]: row["region_code"] for row in codes.rows("local_authorities")}
    assert (notes["la_code"].astype(str).map(regions) == notes["region_code"].astype(str)).all()
    counts = notes["la_name"].value_counts()
    assert counts.get("Kent", 0) > 3 * counts.get("Rutland", 0)
    assert notes["region_name"].nunique() == 9


def test_ethnicity_is_over_and_under_represented_as_published(kids: pd.DataFrame) -> None:
    year = kids[kids["notification_date"].dt.year == 2020]
    lists = pd.DataFrame(codes.rows("ethnicity")).set_index("code")["ethnicity_major"]
    major = year["ethnicity"].astype(str).map(lists).value_counts(normalize=True) * 100
    population = pd.read_csv(data_dir() / "reference" / "population_ethnicity.csv")
    assert (population["status"] == "illustrative").all()
    reference = population.groupby("ethnicity_major")["population_share_pct"].sum()
    for group in ("Mixed / Multiple ethnic groups", "Black / African / Caribbean / Black British"):
        assert major[group] > reference[group]
    assert major["Asian / Asian British"] < reference["Asian / Asian British"]
    black = year["ethnicity"].astype(str).str.startswith("B")
    assert year.loc[black, "age_years"].ge(11).mean() > year["age_years"].ge(11).mean()


@pytest.mark.parametrize("block", BLOCKS, ids=[block.name for block in BLOCKS])
def test_every_period_has_2020_like_structure(dataset: Dataset, block) -> None:
    start, end = block.segments[0].start, block.segments[-1].end
    notes = stats.select_period(dataset.notifications, start, end)
    children = stats.children_of(dataset.children, notes)
    deaths = notes[notes["outcome"] == "death"]
    assert len(notes) == sum(segment.total for segment in block.segments)
    assert abs((deaths["cause_of_death"] == "sudi").mean() - 64 / 206) < 0.03
    assert abs(notes["domestic_abuse"].mean() - 202 / 482) < 0.02
    assert abs((children["age_years"] == 0).mean() - 180 / 514) < 0.08
    assert abs((children["sex"] == "male").mean() - 272 / 514) < 0.03


# --- never over real data ---------------------------------------------------------------------


def test_the_shipped_files_are_recorded_as_written_by_synth() -> None:
    from reportkit.data.synth import written_by_synth

    assert all(written_by_synth(data_dir() / name) for name in ("notifications.csv",
                                                                "children.csv"))


def test_synth_refuses_to_overwrite_data_it_did_not_write(tmp_path: Path) -> None:
    from reportkit.errors import UserError

    write(tmp_path)
    write(tmp_path)  # its own files: rewritten
    edited = tmp_path / "children.csv"
    edited.write_text(edited.read_text(encoding="utf-8") + "C999999,N000001,4,male,WBRI\n",
                      encoding="utf-8")
    before = edited.read_bytes()
    with pytest.raises(UserError, match="children.csv: not written by `reportkit synth`"):
        write(tmp_path)
    assert edited.read_bytes() == before
    (tmp_path / "synthetic.sha256").unlink()
    (tmp_path / "children.csv").unlink()
    with pytest.raises(UserError, match="--force"):
        write(tmp_path)  # notifications.csv is no longer known to be synthetic
    assert write(tmp_path, force=True)
    assert (tmp_path / "children.csv").read_bytes() == (data_dir() / "children.csv").read_bytes()
