"""An edition and its correction: 2020 built, one notification record corrected, rebuilt into
another folder. ``reportkit diff`` lists exactly what differs (computed here independently
from the two ``facts.json`` and the open-data CSVs), and a params ``revises`` key makes the
annual report list the revised figures, which verify checks against the diff."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
import yaml

from reportkit import config
from reportkit.build.pipeline import build
from reportkit.cli import main
from reportkit.errors import ParamsError
from reportkit.publish import diff, verify

REASON = "A notification from one local authority was recorded as serious harm; the child died."


def _correct_one_record(path: Path) -> str:
    """Make the first 2020 serious-harm notification (no non-accidental injury) a death, as a
    corrected record would: its id."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        columns, rows = reader.fieldnames, list(reader)
    row = next(r for r in rows if r["notification_date"].startswith("2020")
               and r["outcome"] == "serious_harm" and r["non_accidental_injury"] == "0")
    row.update(outcome="death", cause_of_death="unrelated_or_unclear", form_of_harm="")
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return row["notification_id"]


@pytest.fixture(scope="module")
def editions(built_2020, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """(project, first edition, corrected edition): the corrected one built in the project."""
    project, _ = built_2020
    work = tmp_path_factory.mktemp("editions")
    copy = Path(shutil.copytree(project, work / "reportkit", symlinks=True))
    first = Path(shutil.copytree(copy / "_output" / "2020", work / "first-edition"))
    _correct_one_record(copy / "data" / "notifications.csv")
    build("2020", root=copy, engine="pandoc+typst")
    return copy, first, copy / "_output" / "2020"


def _facts(folder: Path) -> dict[str, dict]:
    return json.loads((folder / "facts.json").read_text(encoding="utf-8"))


def _cells(folder: Path) -> dict[tuple, str]:
    """Every indicator cell of the open data, keyed by (file, the row's other cells, column)."""
    cells = {}
    for path in sorted((folder / "tables").glob("*.csv")):
        if path.name.endswith(".meta.csv"):
            continue
        with path.with_name(path.stem + ".meta.csv").open(encoding="utf-8") as handle:
            indicators = {r["col_name"] for r in csv.DictReader(handle)
                          if r["col_type"] == "Indicator"}
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                keys = tuple(sorted((k, v) for k, v in row.items() if k not in indicators))
                for column in indicators:
                    cells[(path.name, keys, column)] = row[column]
    return cells


def test_diff_lists_exactly_what_the_correction_changed(editions, capsys) -> None:
    _, first, corrected = editions
    old_facts, new_facts = _facts(first), _facts(corrected)
    assert old_facts.keys() == new_facts.keys()
    expected_facts = {name: (old_facts[name]["display"], new_facts[name]["display"])
                      for name in new_facts
                      if (old_facts[name]["value"], old_facts[name]["display"])
                      != (new_facts[name]["value"], new_facts[name]["display"])}
    old_cells, new_cells = _cells(first), _cells(corrected)
    assert old_cells.keys() == new_cells.keys()
    time = {"time_period", "time_identifier"}  # one period: the same in every row
    expected_cells = {(f"tables/{file}", frozenset(k for k in keys if k[0] not in time), column,
                       old_cells[(file, keys, column)], new_cells[(file, keys, column)])
                      for file, keys, column in new_cells
                      if old_cells[(file, keys, column)] != new_cells[(file, keys, column)]}
    assert expected_facts["deaths_total"] == ("206", "207")  # the test sees a real change

    found = diff.diff(first, corrected)
    assert {c.name: (c.old, c.new) for c in found.facts} == expected_facts
    assert all(c.kind == "changed" for c in found.facts)
    assert {(c.file, frozenset(c.keys.items()), c.column, c.old, c.new)
            for c in found.cells} == expected_cells
    assert len(found.cells) == len(expected_cells)
    assert found.rows == [] and found.files == []

    assert main(["diff", str(first), str(corrected)]) == 1
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == len(expected_facts) + len(expected_cells)
    assert "deaths_total: 206 -> 207" in printed
    assert main(["diff", str(corrected), str(corrected)]) == 0


def test_the_revisions_section_lists_the_revised_figures(editions) -> None:
    project, first, corrected = editions
    params = project / "params" / "2020.yml"
    body = yaml.safe_load(params.read_text(encoding="utf-8"))
    body["revises"] = {"edition": str(first), "label": "the first edition", "reason": REASON,
                       "reasons": {"deaths_total": "The corrected record is a death."}}
    params.write_text(yaml.safe_dump(body, sort_keys=False), encoding="utf-8")
    build("2020", root=project, engine="pandoc+typst")

    old_facts, new_facts = _facts(first), _facts(corrected)
    expected = {(new_facts[n]["label"][:1].upper() + new_facts[n]["label"][1:],
                 old_facts[n]["display"], new_facts[n]["display"],
                 "The corrected record is a death." if n == "deaths_total" else REASON)
                for n in new_facts if old_facts[n]["display"] != new_facts[n]["display"]
                or old_facts[n]["value"] != new_facts[n]["value"]}
    shown = verify.revisions_shown(corrected / "annual-report.html")
    assert shown is not None and set(shown) == expected and len(shown) == len(expected)
    assert verify.revisions_shown(corrected / "executive-summary.html") is None
    assert verify.check_revisions(corrected, project, config.load_period("2020", project)).passed
    assert verify.check_provenance(corrected).passed

    # The earlier edition is an input: changing it is not "up to date", and the section follows.
    assert build("2020", root=project, engine="pandoc+typst").up_to_date
    edited = json.loads((first / "facts.json").read_text(encoding="utf-8"))
    edited["children_total"]["value"], edited["children_total"]["display"] = 513, "513"
    (first / "facts.json").write_text(json.dumps(edited, indent=2), encoding="utf-8")
    assert not build("2020", root=project, engine="pandoc+typst").up_to_date
    labels = {row[0] for row in verify.revisions_shown(corrected / "annual-report.html") or []}
    assert "Children in serious incident notifications" in labels

    body["revises"]["reasons"] = {"multi_child_text": "not revised"}
    params.write_text(yaml.safe_dump(body, sort_keys=False), encoding="utf-8")
    with pytest.raises(ParamsError, match="revises.reasons: multi_child_text did not change"):
        build("2020", root=project, engine="pandoc+typst")
    body["revises"] = {"edition": str(first / "missing"), "reason": REASON}
    params.write_text(yaml.safe_dump(body, sort_keys=False), encoding="utf-8")
    with pytest.raises(ParamsError, match="revises.edition: .* does not exist"):
        build("2020", root=project, engine="pandoc+typst")
