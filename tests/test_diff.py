"""Tests for ``reportkit.publish.diff`` on small build folders: facts and open-data cells that
changed, rows and files added or removed, and the refusals (a build folder against a rebuild is
in ``test_revisions.py``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reportkit.analysis import facts
from reportkit.cli import main
from reportkit.errors import UserError
from reportkit.publish import diff

META = ("col_name,col_type,label,indicator_grouping,indicator_unit,indicator_dp,filter_hint,"
        "filter_grouping_column\n"
        "outcome,Filter,Outcome,,,,,\nnotifications,Indicator,Notifications,,,0,,\n"
        "notifications_percent,Indicator,Percentage,,%,0,,\n")
HEADER = ("time_period,time_identifier,geographic_level,country_code,country_name,outcome,"
          "notifications,notifications_percent\n")


def _row(outcome: str, count: str, percent: str, year: str = "2020") -> str:
    return f"{year},Calendar year,National,E92000001,England,{outcome},{count},{percent}\n"


def _edition(folder: Path, values: dict[str, int], rows: list[str], schema: int | None = 2,
             extra_tables: dict[str, str] | None = None) -> Path:
    (folder / "tables").mkdir(parents=True)
    manifest = {"period": "2020"} | ({} if schema is None else {"schema_version": schema})
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    made = {name: facts.make(name, value, label=name.replace("_", " "))
            for name, value in values.items()}
    facts.write_json(made, folder / "facts.json")
    (folder / "tables" / "outcomes.csv").write_text(HEADER + "".join(rows), encoding="utf-8")
    (folder / "tables" / "outcomes.meta.csv").write_text(META, encoding="utf-8")
    for name, text in (extra_tables or {}).items():
        (folder / "tables" / name).write_text(text, encoding="utf-8")
    return folder


def test_identical_editions_have_no_changes(tmp_path: Path, capsys) -> None:
    rows = [_row("Death", "206", "43"), _row("Total", "482", "100")]
    old = _edition(tmp_path / "old", {"deaths_total": 206}, rows)
    new = _edition(tmp_path / "new", {"deaths_total": 206}, rows)
    assert diff.diff(old, new).empty
    assert main(["diff", str(old), str(new)]) == 0
    assert capsys.readouterr().out == "no changes\n"


def test_every_kind_of_change_is_listed_once(tmp_path: Path, capsys) -> None:
    old = _edition(tmp_path / "old", {"deaths_total": 206, "gone_n": 3, "same_n": 1},
                   [_row("Death", "206", "43"), _row("Other", "9", "2"),
                    _row("Total", "482", "100")], extra_tables={"old_only.csv": HEADER})
    new = _edition(tmp_path / "new", {"deaths_total": 207, "new_n": 5, "same_n": 1},
                   [_row("Death", "207", "43"), _row("Serious harm", "266", "55"),
                    _row("Total", "482", "100")], extra_tables={"new_only.csv": HEADER})
    found = diff.diff(old, new)
    assert [(c.name, c.kind, c.old, c.new) for c in found.facts] == [
        ("deaths_total", "changed", "206", "207"), ("gone_n", "removed", "3", None),
        ("new_n", "added", None, "5")]
    keys = {"geographic_level": "National", "country_code": "E92000001",
            "country_name": "England"}
    assert [(c.file, c.keys, c.column, c.old, c.new) for c in found.cells] == [
        ("tables/outcomes.csv", keys | {"outcome": "Death"}, "notifications", "206", "207")]
    assert [(r.keys["outcome"], r.kind) for r in found.rows] == [("Other", "removed"),
                                                                  ("Serious harm", "added")]
    assert found.files == [("tables/old_only.csv", "removed"), ("tables/new_only.csv", "added")]

    assert main(["diff", str(old), str(new)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert "deaths_total: 206 -> 207" in out
    assert any(line.startswith("tables/outcomes.csv [") and line.endswith(
        "outcome=Death] notifications: 206 -> 207") for line in out)
    assert main(["diff", "--json", str(old), str(new)]) == 1
    body = json.loads(capsys.readouterr().out)
    assert body["changes"] is True and len(body["facts"]) == 3 and len(body["cells"]) == 1


def test_two_periods_differ_once_in_their_time_period(tmp_path: Path) -> None:
    old = _edition(tmp_path / "old", {}, [_row("Death", "200", "40", "2019")])
    new = _edition(tmp_path / "new", {}, [_row("Death", "200", "40", "2020")])
    found = diff.diff(old, new)
    assert [(c.keys, c.column, c.old, c.new) for c in found.cells] == [
        ({}, "time_period", "2019", "2020")]
    assert found.lines() == ["tables/outcomes.csv (every row) time_period: 2019 -> 2020"]


@pytest.mark.parametrize("problem", ["missing", "not a build", "schemas", "repeated key"])
def test_refusals_are_clear_messages(tmp_path: Path, problem: str, capsys) -> None:
    rows = [_row("Death", "206", "43")]
    old = _edition(tmp_path / "old", {"deaths_total": 206}, rows, schema=None)
    new = tmp_path / "new"
    expected = {"missing": "no such folder", "not a build": "is not a reportkit build",
                "schemas": "output schema 1 and", "repeated key": "a second row with the keys"}
    if problem == "not a build":
        new.mkdir()
    elif problem == "schemas":
        _edition(new, {"deaths_total": 206}, rows, schema=2)
    elif problem == "repeated key":
        _edition(new, {"deaths_total": 206}, rows + rows, schema=None)
    with pytest.raises(UserError, match=expected[problem]):
        diff.diff(old, new)
    assert main(["diff", str(old), str(new)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("reportkit diff: error: ") and "Traceback" not in err
