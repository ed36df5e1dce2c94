"""The EES screener's rules (reportkit.publish.screener): each rule with a file that breaks it and a
file that passes, and the build's refusal of a folder that breaks one."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from reportkit.analysis import tables
from reportkit.errors import BuildError
from reportkit.publish import guidance, screener

INDICATORS = {"children_count": tables.Indicator("Children")}


def write(folder: Path, frame: pd.DataFrame, filters: dict[str, str], *, name: str = "t",
          indicators: dict | None = None, **options) -> Path:
    return tables.write_open_data(
        frame, name, folder, time_period="2020", time_identifier="Calendar year",
        filters=filters, indicators=indicators or INDICATORS, **options)


def failed(path: Path) -> dict[str, list[screener.Finding]]:
    found: dict[str, list[screener.Finding]] = {}
    for finding in screener.screen(path):
        if finding.severity == "fail":
            found.setdefault(finding.rule, []).append(finding)
    return found


def sex_frame(items=("Male", "Female", "Total"), counts=(3, 4, 7)) -> pd.DataFrame:
    return pd.DataFrame({"sex": list(items), "children_count": list(counts)})


def edit_csv(path: Path, change) -> None:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    change(rows)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_a_clean_file_passes_every_rule(tmp_path) -> None:
    path = write(tmp_path, sex_frame(), {"sex": "Sex"})
    assert screener.screen(path) == []
    assert screener.screen_folder(tmp_path) == []


def test_harmonised_variables(tmp_path) -> None:
    bad = write(tmp_path, pd.DataFrame({"ethnic_group": ["White", "Total"],
                                        "children_count": [1, 1]}), {"ethnic_group": "E"})
    finding = failed(bad)["harmonised_variables"][0]
    assert finding.column == "ethnic_group" and "ethnicity_major" in finding.fix
    good = write(tmp_path, pd.DataFrame({"ethnicity_major": ["White", "Total"],
                                         "children_count": [1, 1]}),
                 {"ethnicity_major": "E"}, name="good")
    assert failed(good) == {}


def test_harmonised_ethnicity_values(tmp_path) -> None:
    bad = write(tmp_path, pd.DataFrame({"ethnicity_major": ["White British", "Total"],
                                        "children_count": [1, 1]}), {"ethnicity_major": "E"})
    assert "'White British'" in failed(bad)["harmonised_eth_vals"][0].problem
    good = write(tmp_path, pd.DataFrame({"ethnicity_major": ["White", "Unknown", "Total"],
                                         "children_count": [1, 1, 2]}),
                 {"ethnicity_major": "E"}, name="good")
    assert "harmonised_eth_vals" not in failed(good)


def test_filter_defaults_need_a_total_or_a_declared_default(tmp_path) -> None:
    frame = pd.DataFrame({"month": ["2020-01", "2020-02"], "children_count": [1, 2]})
    bad = write(tmp_path, frame, {"month": "Month"})
    assert failed(bad)["filter_defaults"][0].column == "month"
    wrong = write(tmp_path, frame, {"month": "Month"}, defaults={"month": "2020-13"}, name="w")
    assert "not one of its items" in failed(wrong)["filter_defaults"][0].problem
    declared = write(tmp_path, frame, {"month": "Month"}, defaults={"month": "2020-01"},
                     name="declared")
    totalled = write(tmp_path, tables.with_total(frame, "month", ["children_count"]),
                     {"month": "Month"}, name="totalled")
    assert "filter_defaults" not in failed(declared)
    assert "filter_defaults" not in failed(totalled)


def test_with_total_refuses_a_column_it_cannot_add_up() -> None:
    frame = pd.DataFrame({"month": ["a"], "children_count": [1], "percent": ["5"]})
    with pytest.raises(ValueError, match="percent are not counts"):
        tables.with_total(frame, "month", ["children_count"])


def test_characteristic_columns_are_refused(tmp_path) -> None:
    bad = write(tmp_path, pd.DataFrame({"characteristic": ["A", "Total"],
                                        "children_count": [1, 1]}), {"characteristic": "C"})
    assert failed(bad)["col_var_characteristic"][0].column == "characteristic"
    good = write(tmp_path, pd.DataFrame({"case_characteristic": ["A", "Total"],
                                         "children_count": [1, 1]}),
                 {"case_characteristic": "C"}, name="good")
    assert "col_var_characteristic" not in failed(good)


def test_data_dictionary_filter_items(tmp_path) -> None:
    bad = write(tmp_path, sex_frame(("Male", "Transgender", "Not known", "Total"),
                                    (1, 1, 1, 3)), {"sex": "Sex"})
    finding = failed(bad)["data_dict_fil_item"][0]
    assert "Transgender, Not known" in finding.problem and "Other" in finding.fix
    assert failed(write(tmp_path, sex_frame(), {"sex": "Sex"}, name="good")) == {}


def test_data_dictionary_column_names(tmp_path) -> None:
    """A measure the dictionary names must use its name; a column it has no entry for is a
    warning (not API-ready), as in the screener."""
    bad = write(tmp_path, pd.DataFrame({"sex": ["Total"], "children": [1]}), {"sex": "Sex"},
                indicators={"children": tables.Indicator("Children")})
    assert failed(bad)["data_dict_col_name"][0].fix == "rename it to children_count"
    own = write(tmp_path, pd.DataFrame({"cause_of_death": ["Total"], "children_count": [1]}),
                {"cause_of_death": "Cause"}, name="own")
    assert failed(own) == {}
    found = [f for f in screener.screen(own) if f.severity == "warning"]
    assert [(f.rule, f.column) for f in found] == [("data_dict_col_name", "cause_of_death")]


def test_indicator_values_are_numbers_or_gss_symbols(tmp_path) -> None:
    frame = pd.DataFrame({"sex": ["Male", "Female", "Total"], "children_count": ["c", "-", "7"]})
    bad = write(tmp_path, frame, {"sex": "Sex"})
    assert "'-'" in failed(bad)["ind_invalid_entry"][0].problem
    frame["children_count"] = ["c", "low", "7"]
    assert failed(write(tmp_path, frame, {"sex": "Sex"}, name="good")) == {}


def test_missing_value_text_blank_items_and_duplicate_rows(tmp_path) -> None:
    path = write(tmp_path, sex_frame(), {"sex": "Sex"})

    def spoil(rows):
        rows[0]["children_count"] = "NA"
        rows[1]["sex"] = " Female"
        rows.append(dict(rows[2]))

    edit_csv(path, spoil)
    assert {"null", "filter_item_blank", "duplicate_rows"} <= set(failed(path))


def test_time_identifier_units_regions_and_meta(tmp_path) -> None:
    path = write(tmp_path, sex_frame(), {"sex": "Sex"},
                 indicators={"children_count": tables.Indicator("Children", unit="per cent")})

    def spoil(rows):
        for row in rows:
            row["time_identifier"] = "Year"

    edit_csv(path, spoil)
    assert {"time_id_valid", "meta_ind_unit_validation"} <= set(failed(path))
    region = pd.DataFrame({"region_code": ["E12000001", "E12000002"],
                           "region_name": ["North East", "London"], "sex": ["Total", "Total"],
                           "children_count": [1, 2]})
    bad_region = write(tmp_path, region, {"sex": "Sex"}, geographic_level="Regional", name="r")
    assert "E12000002 / London" in failed(bad_region)["region_for_la"][0].problem
    region["region_name"] = ["North East", "North West"]
    good_region = write(tmp_path, region, {"sex": "Sex"}, geographic_level="Regional", name="r2")
    assert failed(good_region) == {}
    (tmp_path / "r2.meta.csv").unlink()
    assert [f.rule for f in screener.screen(good_region)] == ["meta_exists"]


def test_screen_folder_fails_the_build_naming_file_column_rule_and_fix(tmp_path) -> None:
    write(tmp_path, sex_frame(), {"sex": "Sex"}, name="fine")
    write(tmp_path, pd.DataFrame({"characteristic": ["A"], "children_count": [1]}),
          {"characteristic": "C"}, name="broken")
    with pytest.raises(BuildError) as error:
        screener.screen_folder(tmp_path)
    message = str(error.value)
    assert "broken.csv, column characteristic: col_var_characteristic" in message
    assert "fix: name the filter after what it holds" in message
    assert "fine.csv" not in message


def test_data_guidance_describes_every_file_and_column(tmp_path) -> None:
    frame = pd.DataFrame({"sex": ["Male", "Female", "Total"], "children_count": ["c", "4", "7"]})
    write(tmp_path, frame, {"sex": "Sex"}, hints={"sex": "Other: not known."}, name="by_sex")
    warnings = [screener.Finding("by_sex.csv", "sex", "data_dict_col_name", "p", "f",
                                 "warning")]
    text = guidance.write(tmp_path, warnings).read_text(encoding="utf-8")
    assert "\nby_sex.csv\n  Children, by sex. Geographic level: National." in text
    assert "    sex (filter): Sex. Items: Male, Female, Total. Other: not known.\n" in text
    assert "    children_count (indicator): Children, to 0 decimal places. c: confidential.\n" \
        in text
    assert "    time_period (standard): " in text
    assert "  by_sex.csv: sex\n" in text


def test_the_2020_open_data_pass_every_screener_rule(built_2020) -> None:
    """The issue's must-show: every filter has a Total or a declared default, no column the
    screener rejects, harmonised names, and a data guidance file beside the tables."""
    project, _ = built_2020
    folder = project / "_output" / "2020" / "tables"
    paths = screener.data_files(folder)
    assert len(paths) == 12
    for path in paths:
        assert [str(f) for f in screener.screen(path) if f.severity == "fail"] == []
        data = screener.read(path)
        for meta in data.meta:
            if meta["col_type"] == "Filter":
                assert "Total" in data.items(meta["col_name"]) or meta["filter_default"]
        assert not set(data.header) & {"characteristic", "ethnic_group"}
    sex = screener.read(folder / "children_by_sex.csv")
    assert sex.items("sex") == ["Male", "Female", "Other", "Total"]
    assert "children_count" in sex.header and "children_percent" in sex.header
    text = (folder / guidance.GUIDANCE_FILE).read_text(encoding="utf-8")
    assert all(f"\n{path.name}\n  " in text for path in paths)


def test_the_build_refuses_open_data_that_break_a_rule(tmp_path) -> None:
    """gather_tables (build step 3) screens what the notebooks wrote before anything is
    published, and writes the data guidance of files that pass."""
    from reportkit.build import execute, pipeline

    staging = tmp_path / "staging"
    produced = staging / "_work" / "05_characteristics" / execute.TABLES
    write(produced, pd.DataFrame({"characteristic": ["A", "B"], "children_count": [1, 2]}),
          {"characteristic": "C"}, name="case_characteristics")
    with pytest.raises(BuildError, match=r"case_characteristics\.csv, column characteristic: "
                                         r"col_var_characteristic"):
        pipeline.gather_tables(staging)
    clean = tmp_path / "clean"
    write(clean / "_work" / "02_children" / execute.TABLES, sex_frame(), {"sex": "Sex"})
    pipeline.gather_tables(clean)
    assert (clean / "tables" / guidance.GUIDANCE_FILE).is_file()
