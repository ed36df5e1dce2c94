"""The calibrated synthetic dataset (``reportkit synth``).

Record-level notifications are confidential, so reportkit ships synthetic records made here,
deterministically from a seed. The timeline (1 July 2018 to 31 March 2024) is cut into
disjoint *segments* with exact totals by outcome, grouped into calibration *blocks*. Each
block gets exact category quotas: the Panel's published 2020 figures for calendar 2020 and,
for every other block, the same proportions scaled by largest remainder. Quotas are then
matched to records with constrained random assignment (perturb-and-MAP: Gumbel-perturbed
log-weights solved as an assignment problem), so the totals come out exactly while the joint
structure follows plausible weights (SUDI babies, teenage suicides, exploitation among
risk-taking teenagers, sibling groups in neglect and maltreatment cases, and so on).

The published figures the data reproduce are listed, with sources, in ``data/published/``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from reportkit.data import calendar, codes
from reportkit.data.dictionary import FIRST_NOTIFICATION_DATE
from reportkit.data.validated import CHILD_COLUMNS, DATE_COLUMNS, FLAG_COLUMNS, NOTIFICATION_COLUMNS
from reportkit.errors import UserError

DEFAULT_SEED = 20201231
TIMELINE_START = FIRST_NOTIFICATION_DATE  # the Panel's start
EXTRACT_DATE = date(2024, 3, 31)
"""The (synthetic) extract date: rapid reviews due later than this are not yet received."""



# --------------------------------------------------------------------------------------------
# Calibration: segments, blocks and the 2020 reference quotas
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """A run of notification dates with exact totals by outcome."""

    start: date
    end: date
    deaths: int
    serious_harm: int
    other: int

    @property
    def total(self) -> int:
        """All notifications in the segment."""
        return self.deaths + self.serious_harm + self.other


@dataclass(frozen=True)
class Block:
    """Segments calibrated together: every category quota is exact over the block."""

    name: str
    segments: tuple[Segment, ...]


def _d(text: str) -> date:
    return date.fromisoformat(text)


BLOCKS: tuple[Block, ...] = (
    # July 2018 to November 2019 is 538 (Panel 2018 to 2019): 256 + 225 + 57.
    Block("2018-19", (Segment(_d("2018-07-01"), _d("2019-03-31"), 101, 150, 5),)),
    # DfE half-year statistics: April to September 2019, 225 = 89 deaths + 132 serious harm.
    Block("2019-h1", (Segment(_d("2019-04-01"), _d("2019-09-30"), 89, 132, 4),)),
    Block(
        "2019-q3",
        (
            Segment(_d("2019-10-01"), _d("2019-11-30"), 23, 33, 1),
            Segment(_d("2019-12-01"), _d("2019-12-31"), 12, 17, 1),  # not published: ~30
        ),
    ),
    # Panel annual report 2020: 482 = 206 + 267 + 9; DfE April to September 2020: 285, 119.
    Block(
        "2020",
        (
            Segment(_d("2020-01-01"), _d("2020-03-31"), 42, 51, 2),
            Segment(_d("2020-04-01"), _d("2020-09-30"), 119, 161, 5),
            Segment(_d("2020-10-01"), _d("2020-12-31"), 45, 55, 2),
        ),
    ),
    # Panel annual report 2021: 379 notifications, more than 150 deaths.
    Block("2021", (Segment(_d("2021-01-01"), _d("2021-12-31"), 160, 211, 8),)),
    Block("2022-q1", (Segment(_d("2022-01-01"), _d("2022-03-31"), 36, 53, 3),)),  # ~30 a month
    # Panel annual report 2022 to 2023: 393 = 146 (37%) + 227 (58%) + 20.
    Block("2022-23", (Segment(_d("2022-04-01"), _d("2023-03-31"), 146, 227, 20),)),
    # Panel annual report 2023 to 2024: 330 = 161 (49%) + 159 (48%) + 10 (3%).
    Block("2023-24", (Segment(_d("2023-04-01"), _d("2024-03-31"), 161, 159, 10),)),
)

# Reference quotas: the Panel's 2020 figures (children 514, notifications 482, fatal 206,
# non-fatal 276, serious harm 267). Other blocks scale them by largest remainder.
CAUSES_2020 = {
    "sudi": 64, "suicide": 41, "maltreatment_family": 35, "related_to_maltreatment": 21,
    "extrafamilial_homicide": 17, "unrelated_or_unclear": 28,
}  # fmt: skip
FORMS_2020 = {
    "physical_abuse": 105, "neglect": 33, "intrafamilial_sexual_abuse": 27,
    "extrafamilial_sexual_abuse": 19, "child_sexual_exploitation": 5, "emotional_abuse": 5,
    "criminal_exploitation": 3, "risk_taking_violent": 51, "young_person_perpetrator": 8,
    "other": 20,
}  # fmt: skip
NAI_2020 = {1: 59, 0: 208}  # of serious harm incidents
EXTRA_CHILDREN_2020 = {1: 32, 0: 450}  # children beyond the first, per 482 notifications
SEX_2020 = {"male": 272, "female": 238, "transgender": 2, "not_known": 2}
AGE_BANDS_2020 = {"0": 180, "1-4": 50, "5-10": 40, "11-14": 90, "15-17": 154}
ETHNIC_GROUPS_2020 = {
    "white_british": 355, "white_other": 30, "mixed": 46, "black": 36, "asian": 26,
    "other": 10, "unknown": 11,
}  # fmt: skip
PARENTAL_MH_2020 = {"none": 336, "maternal": 112, "paternal": 32, "both": 2}
FLAGS_2020 = {  # of 482 notifications
    "domestic_abuse": 202, "child_mental_health": 77, "parental_alcohol_misuse": 87,
    "parental_drug_misuse": 116, "previously_known": 301,
}  # fmt: skip
NEGLECT_FATAL_2020 = {1: 73, 0: 133}
NEGLECT_NONFATAL_2020 = {1: 95, 0: 181}
EXPLOITATION_RISK_2020 = {1: 38, 0: 13}  # of risk-taking or violent behaviour incidents
EXPLOITATION_REST_2020 = {1: 14, 0: 417}  # of every other incident
LCSPR_SHARE = 0.34  # of decided rapid reviews
MONTH_NOISE = 0.12  # spread of monthly counts around their share of working days (log scale)


# --------------------------------------------------------------------------------------------
# Plausibility weights (relative; quotas fix the totals)
# --------------------------------------------------------------------------------------------

TEEN_HARMS = frozenset(
    {
        "risk_taking_violent", "criminal_exploitation", "child_sexual_exploitation",
        "extrafamilial_sexual_abuse", "young_person_perpetrator",
    }
)  # fmt: skip
AGE_BANDS = tuple(AGE_BANDS_2020)
AGES_IN_BAND: dict[str, tuple[tuple[int, ...], tuple[float, ...]]] = {
    "0": ((0,), (1.0,)),
    "1-4": ((1, 2, 3, 4), (0.35, 0.25, 0.22, 0.18)),
    "5-10": ((5, 6, 7, 8, 9, 10), (1, 1, 1, 1, 1, 1)),
    "11-14": ((11, 12, 13, 14), (0.8, 1, 1.1, 1.2)),
    "15-17": ((15, 16, 17), (0.3, 0.35, 0.35)),
}
AGE_WEIGHTS: dict[str, tuple[float, ...]] = {  # bands 0, 1-4, 5-10, 11-14, 15-17
    "sudi": (1, 0, 0, 0, 0),
    "suicide": (0, 0, 0, 1, 3),
    "maltreatment_family": (4, 3, 1.5, 0.5, 0.3),
    "related_to_maltreatment": (2, 1.5, 1, 1.5, 2),
    "extrafamilial_homicide": (0.2, 0.2, 0.3, 1.5, 6),
    "unrelated_or_unclear": (2.5, 1.5, 1, 1, 1.5),
    "nai": (10, 1, 0, 0, 0),
    "physical_abuse": (1.5, 2, 1.5, 1, 1),
    "neglect": (1.5, 2, 2, 1.5, 1),
    "intrafamilial_sexual_abuse": (0, 0.5, 2, 2, 1.5),
    "extrafamilial_sexual_abuse": (0, 0, 0, 2, 3),
    "child_sexual_exploitation": (0, 0, 0, 2, 3),
    "emotional_abuse": (0.5, 1, 2, 2, 1),
    "criminal_exploitation": (0, 0, 0, 1, 4),
    "risk_taking_violent": (0, 0, 0, 1, 4),
    "young_person_perpetrator": (0, 0, 0, 1.5, 3),
    "other": (1.5, 1.5, 1, 1, 1),
    "sibling": (0, 2, 2, 1.5, 0.8),  # a second or third child: never a second baby
}
# Sibling groups: non-fatal maltreatment only (DfE: a death notification relates to one child).
SIBLING_WEIGHTS = {
    "neglect": 6, "intrafamilial_sexual_abuse": 3, "emotional_abuse": 4, "physical_abuse": 2,
    "nai": 0.7, "other": 1.2,
}  # fmt: skip
MALE_HEAVY = {"extrafamilial_homicide": 3, "risk_taking_violent": 3, "criminal_exploitation": 4,
              "young_person_perpetrator": 3, "sudi": 1.3, "suicide": 1.3}  # fmt: skip
FEMALE_HEAVY = {"child_sexual_exploitation": 6, "extrafamilial_sexual_abuse": 3,
                "intrafamilial_sexual_abuse": 3}  # fmt: skip
ETHNIC_GROUPS = tuple(ETHNIC_GROUPS_2020)
ETHNIC_BASE = (0.73, 0.05, 0.05, 0.05, 0.11, 0.015, 0.01)
ETHNIC_LONDON = (0.3, 2, 1.8, 4, 2.5, 3, 1)
ETHNIC_ASIAN_HIGH = (0.6, 1, 1, 1, 3, 1, 1)
ETHNIC_TEEN_HARM = (1, 1, 1.2, 3, 1, 1, 1)
ASIAN_HIGH_LAS = frozenset(
    {"E08000025", "E08000032", "E06000016", "E06000032", "E06000039", "E06000008",
     "E08000005", "E08000004", "E08000034"}
)  # fmt: skip
ETHNIC_DETAIL: dict[str, dict[str, float]] = {
    "white_british": {"WBRI": 1},
    "white_other": {"WIRI": 0.12, "WIRT": 0.05, "WROM": 0.08, "WOTH": 0.75},
    "mixed": {"MWBC": 0.35, "MWBA": 0.15, "MWAS": 0.2, "MOTH": 0.3},
    "black": {"BCRB": 0.3, "BAFR": 0.55, "BOTH": 0.15},
    "asian": {"AIND": 0.22, "APKN": 0.38, "ABAN": 0.15, "ACHN": 0.03, "AOTH": 0.22},
    "other": {"OARB": 0.3, "OOTH": 0.7},
    "unknown": {"NOBT": 0.85, "REFU": 0.15},
}
SIBLING_SAME_ETHNICITY = 0.9
INFANT_KINDS = {"sudi": 1.6, "nai": 1.5, "maltreatment_family": 1.8, "neglect": 1.5,
                "related_to_maltreatment": 1.3, "physical_abuse": 1.2}  # fmt: skip
DOMESTIC_ABUSE = {
    "maltreatment_family": 3, "related_to_maltreatment": 2, "physical_abuse": 2.5, "nai": 3,
    "neglect": 2, "emotional_abuse": 4, "intrafamilial_sexual_abuse": 1.5, "sudi": 1.3,
    "suicide": 0.8, "unrelated_or_unclear": 0.8, "extrafamilial_homicide": 0.4,
    "risk_taking_violent": 0.6, "criminal_exploitation": 0.5, "child_sexual_exploitation": 0.6,
    "extrafamilial_sexual_abuse": 0.5, "young_person_perpetrator": 0.8,
}  # fmt: skip
CHILD_MH = {"suicide": 15, "risk_taking_violent": 4, "child_sexual_exploitation": 3,
            "extrafamilial_sexual_abuse": 2, "criminal_exploitation": 2.5,
            "young_person_perpetrator": 3, "extrafamilial_homicide": 1.5}  # fmt: skip
ALCOHOL = {"sudi": 2.5, "maltreatment_family": 1.8, "neglect": 2, "nai": 1.3,
           "related_to_maltreatment": 1.5, **dict.fromkeys(TEEN_HARMS, 0.6)}  # fmt: skip
DRUGS = {"sudi": 2.5, "neglect": 2.5, "maltreatment_family": 1.8, "related_to_maltreatment": 2,
         "physical_abuse": 1.3, "unrelated_or_unclear": 1.5,
         **dict.fromkeys(TEEN_HARMS, 0.8)}  # fmt: skip
PREVIOUSLY_KNOWN = {"neglect": 2.5, "risk_taking_violent": 2, "criminal_exploitation": 2.5,
                    "child_sexual_exploitation": 2.5, "suicide": 1.5, "maltreatment_family": 1.3,
                    "sudi": 0.8, "nai": 0.6, "unrelated_or_unclear": 0.8}  # fmt: skip
NEGLECT = {"neglect": np.inf, "sudi": 2.5, "related_to_maltreatment": 2,
           "maltreatment_family": 1.5, "unrelated_or_unclear": 1.2,
           **dict.fromkeys(TEEN_HARMS, 0.8)}  # fmt: skip
EXPLOITATION_REST = {"criminal_exploitation": np.inf, "extrafamilial_homicide": 3,
                     "young_person_perpetrator": 2, "child_sexual_exploitation": 0.5,
                     "suicide": 0.3, "extrafamilial_sexual_abuse": 0.2}  # fmt: skip
OTHER_OUTCOME_FORMS = {"young_person_perpetrator": 20, "other": 5, "risk_taking_violent": 2}
LCSPR = {"maltreatment_family": 2.5, "nai": 2, "related_to_maltreatment": 1.5,
         "extrafamilial_homicide": 1.5, "suicide": 1.2, "sudi": 0.5,
         "unrelated_or_unclear": 0.4}  # fmt: skip

# Approximate all-age populations in thousands (illustrative, for sampling weights only);
# unlisted authorities take the default for their type.
POPULATION_DEFAULT = {"E06": 200, "E08": 300, "E09": 280, "E10": 700}
POPULATION = {
    "E10000003": 655, "E10000006": 500, "E10000007": 800, "E10000008": 810, "E10000011": 560,
    "E10000012": 1490, "E10000013": 640, "E10000014": 1390, "E10000015": 1190,
    "E10000016": 1590, "E10000017": 1230, "E10000018": 710, "E10000019": 765,
    "E10000020": 915, "E10000023": 620, "E10000024": 830, "E10000025": 690, "E10000027": 565,
    "E10000028": 880, "E10000029": 760, "E10000030": 1200, "E10000031": 580,
    "E10000032": 870, "E10000034": 600, "E08000025": 1140, "E08000035": 800,
    "E08000019": 585, "E08000003": 555, "E08000032": 540, "E08000012": 500, "E06000023": 465,
    "E08000034": 440, "E06000052": 570, "E06000047": 530, "E06000054": 500, "E06000060": 545,
    "E08000021": 305, "E08000026": 370, "E06000016": 355, "E06000018": 335, "E08000010": 330,
    "E08000036": 350, "E06000058": 400, "E06000059": 380, "E06000061": 350, "E06000062": 410,
    "E06000049": 385, "E06000050": 345, "E06000051": 325, "E06000057": 320, "E06000011": 340,
    "E09000008": 390, "E09000003": 400, "E09000025": 355, "E09000009": 340, "E09000005": 330,
    "E06000053": 2, "E09000001": 10, "E06000017": 40, "E06000001": 94, "E06000005": 107,
    "E06000046": 142, "E06000036": 122, "E06000040": 151, "E06000027": 136,
    "E09000020": 156, "E06000002": 141, "E06000003": 137,
}  # fmt: skip
LONDON = "E12000007"


# --------------------------------------------------------------------------------------------
# Small exact-allocation tools
# --------------------------------------------------------------------------------------------


def largest_remainder(reference: Mapping, total: int) -> dict:
    """Scale the counts in ``reference`` to sum to ``total`` exactly (largest remainder)."""
    keys = list(reference)
    counts = np.array([reference[k] for k in keys], dtype=float)
    exact = counts / counts.sum() * total
    floors = np.floor(exact).astype(int)
    short = total - int(floors.sum())
    order = sorted(range(len(keys)), key=lambda i: (-(exact[i] - floors[i]), -counts[i], i))
    for i in order[:short]:
        floors[i] += 1
    return {k: int(v) for k, v in zip(keys, floors, strict=True)}


def assign(rng: np.random.Generator, weights: np.ndarray, quotas: Sequence[int]) -> np.ndarray:
    """Give each row a category so category ``j`` is used exactly ``quotas[j]`` times.

    Perturb-and-MAP: maximise the sum of Gumbel-perturbed log-weights subject to the quotas.
    A zero weight forbids a category for a row; infeasible quotas raise ``ValueError``.
    """
    weights = np.asarray(weights, dtype=float)
    n, k = weights.shape
    quotas = np.asarray(quotas, dtype=int)
    if quotas.sum() != n or len(quotas) != k:
        raise ValueError(f"quotas sum to {quotas.sum()} for {n} rows")
    noise = rng.gumbel(size=(n, k))
    with np.errstate(divide="ignore"):
        score = np.where(weights > 0, np.log(np.where(weights > 0, weights, 1)) + noise, -1e6)
    columns = np.repeat(np.arange(k), quotas)
    # scipy.optimize takes 0.3 s to import: only generating data needs it, not every command
    # that reads synth's names (the CLI imports this module for `reportkit synth`'s checks).
    from scipy.optimize import linear_sum_assignment

    rows, slots = linear_sum_assignment(-score[:, columns])
    result = np.empty(n, dtype=int)
    result[rows] = columns[slots]
    if np.any(weights[np.arange(n), result] <= 0):
        raise ValueError("quotas cannot be met without a forbidden combination")
    return result


def pick(rng: np.random.Generator, weights: np.ndarray, k: int) -> np.ndarray:
    """Exactly ``k`` rows, weighted sampling without replacement (Efraimidis-Spirakis).

    An infinite weight means the row must be picked; a zero weight means it never is.
    Returns a 0/1 array.
    """
    weights = np.asarray(weights, dtype=float)
    u = rng.random(len(weights))
    must = int(np.isinf(weights).sum())
    if k > int((weights > 0).sum()) or must > k:
        raise ValueError(f"cannot pick {k} of {len(weights)} rows ({must} required)")
    with np.errstate(divide="ignore"):
        keys = np.where(weights > 0, np.log(u) / np.where(weights > 0, weights, 1), -np.inf)
    chosen = np.zeros(len(weights), dtype=int)
    chosen[np.argsort(-keys, kind="stable")[:k]] = 1
    return chosen


def lookup(table: Mapping[str, float], keys: Sequence[str], default: float = 1.0) -> np.ndarray:
    """Per-row weights from a key-to-weight table."""
    return np.array([table.get(key, default) for key in keys], dtype=float)


# --------------------------------------------------------------------------------------------
# Calendars and code lists
# --------------------------------------------------------------------------------------------


@cache
def bank_holidays() -> tuple[np.datetime64, ...]:
    """England and Wales bank holidays over the timeline (the one calendar: ``data.calendar``)."""
    found = calendar.england_bank_holidays(TIMELINE_START.year, EXTRACT_DATE.year + 1)
    return tuple(np.datetime64(day, "D") for day in found)


def local_authorities() -> pd.DataFrame:
    """Authorities with region names and sampling weights (approximate population)."""
    las = pd.DataFrame(codes.rows("local_authorities"))
    regions = {row["region_code"]: row["region_name"] for row in codes.rows("regions")}
    las["region_name"] = las["region_code"].map(regions)
    las["weight"] = [POPULATION.get(code, POPULATION_DEFAULT[code[:3]]) for code in las["la_code"]]
    return las.sort_values("la_code", ignore_index=True)


# --------------------------------------------------------------------------------------------
# One block
# --------------------------------------------------------------------------------------------


def _segment_dates(rng: np.random.Generator, segment: Segment) -> np.ndarray:
    """Notification dates for a segment: exact total, months near their share of working days.

    Month totals are the segment total split by largest remainder over each month's weight
    (working days, with mild noise); within a month, working days are far likelier than
    weekends and bank holidays.
    """
    days = np.arange(np.datetime64(segment.start, "D"), np.datetime64(segment.end, "D") + 1)
    working = np.is_busday(days, holidays=list(bank_holidays()))
    weights = np.where(working, 1.0, 0.15)
    months = days.astype("datetime64[M]")
    unique = np.unique(months)
    noise = np.exp(rng.normal(0.0, MONTH_NOISE, size=len(unique)))
    month_weight = {m: weights[months == m].sum() * z for m, z in zip(unique, noise, strict=True)}
    chosen = []
    for month, count in largest_remainder(month_weight, segment.total).items():
        in_month = months == month
        p = weights[in_month] / weights[in_month].sum()
        chosen.append(rng.choice(days[in_month], size=count, p=p))
    return np.sort(np.concatenate(chosen))


def _outcomes(rng: np.random.Generator, block: Block) -> pd.DataFrame:
    """Dates and outcomes for every notification in a block (exact per segment)."""
    parts = []
    for segment in block.segments:
        outcome = np.array(
            ["death"] * segment.deaths
            + ["serious_harm"] * segment.serious_harm
            + ["other"] * segment.other
        )
        parts.append(
            pd.DataFrame(
                {"notification_date": _segment_dates(rng, segment),
                 "outcome": rng.permutation(outcome)}
            )
        )  # fmt: skip
    return pd.concat(parts, ignore_index=True)


def _categories(rng: np.random.Generator, frame: pd.DataFrame) -> pd.DataFrame:
    """Cause of death, form of harm and non-accidental injury, to exact quotas."""
    frame = frame.copy()
    deaths = frame.index[frame["outcome"] == "death"]
    nonfatal = frame.index[frame["outcome"] != "death"]
    causes = largest_remainder(CAUSES_2020, len(deaths))
    labels = list(causes)
    chosen = assign(rng, np.ones((len(deaths), len(labels))), list(causes.values()))
    frame["cause_of_death"] = pd.Series(np.nan, index=frame.index, dtype=object)
    frame.loc[deaths, "cause_of_death"] = [labels[i] for i in chosen]

    forms = largest_remainder(FORMS_2020, len(nonfatal))
    labels = list(forms)
    is_other = (frame.loc[nonfatal, "outcome"] == "other").to_numpy()
    other_row = lookup(OTHER_OUTCOME_FORMS, labels)
    weights = np.where(is_other[:, None], other_row[None, :], 1.0)
    chosen = assign(rng, weights, list(forms.values()))
    frame["form_of_harm"] = pd.Series(np.nan, index=frame.index, dtype=object)
    frame.loc[nonfatal, "form_of_harm"] = [labels[i] for i in chosen]

    harm = frame["outcome"] == "serious_harm"
    eligible = (harm & (frame["form_of_harm"] == "physical_abuse")).to_numpy()
    nai = largest_remainder(NAI_2020, int(harm.sum()))[1]
    frame["non_accidental_injury"] = 0
    frame.loc[eligible, "non_accidental_injury"] = pick(rng, np.ones(eligible.sum()), nai)
    frame["kind"] = frame["cause_of_death"].fillna(frame["form_of_harm"])
    frame.loc[frame["non_accidental_injury"] == 1, "kind"] = "nai"
    return frame


def _child_counts(rng: np.random.Generator, frame: pd.DataFrame) -> np.ndarray:
    """Children per notification: sibling groups of 2 or 3 in neglect and maltreatment."""
    extra = largest_remainder(EXTRA_CHILDREN_2020, len(frame))[1]
    triples = extra // 16
    groups = pick(rng, lookup(SIBLING_WEIGHTS, frame["kind"], default=0.0), extra - triples)
    in_group = np.flatnonzero(groups)
    counts = 1 + groups
    counts[in_group[pick(rng, np.ones(len(in_group)), triples) == 1]] = 3
    return counts


def _ages(rng: np.random.Generator, kids: pd.DataFrame) -> np.ndarray:
    """Age at incident: exact age-band quotas, then an age within the band."""
    keys = np.where(kids["position"] > 0, "sibling", kids["kind"])
    weights = np.array([AGE_WEIGHTS[key] for key in keys])
    quotas = largest_remainder(AGE_BANDS_2020, len(kids))
    bands = assign(rng, weights, list(quotas.values()))
    ages = np.empty(len(kids), dtype=int)
    used: dict[int, set[int]] = {}
    for i, (band, kind, group) in enumerate(zip(bands, keys, kids["group"], strict=True)):
        allowed, probs = AGES_IN_BAND[AGE_BANDS[band]]
        taken = used.setdefault(group, set())
        options = [
            (age, p)
            for age, p in zip(allowed, probs, strict=True)
            if age not in taken
            and not (kind == "suicide" and age < 12)
            and not (kind == "nai" and age > 1)
        ]
        if not options:
            raise ValueError(f"no age left in band {AGE_BANDS[band]} for {kind}")
        p = np.array([w for _, w in options])
        ages[i] = options[rng.choice(len(options), p=p / p.sum())][0]
        taken.add(int(ages[i]))
    return ages


def _sexes(rng: np.random.Generator, kids: pd.DataFrame) -> np.ndarray:
    """Sex as the Panel records it, to exact quotas; weighted by harm and age."""
    kind = kids["kind"].to_numpy()
    age = kids["age_years"].to_numpy()
    male = 1.1 * lookup(MALE_HEAVY, kind)
    female = lookup(FEMALE_HEAVY, kind)
    teen_risk = np.isin(kind, ["suicide", "risk_taking_violent", "child_sexual_exploitation"])
    trans = np.where(age >= 12, np.where(teen_risk, 0.05, 0.01), 0.0)
    not_known = np.where(age == 0, 0.02, 0.002)
    quotas = largest_remainder(SEX_2020, len(kids))
    chosen = assign(rng, np.column_stack([male, female, trans, not_known]), list(quotas.values()))
    return np.array(list(quotas))[chosen]


def _ethnic_groups(rng: np.random.Generator, kids: pd.DataFrame) -> np.ndarray:
    """Ethnic group to exact quotas, weighted by area, age and harm; siblings mostly alike."""
    base = np.tile(np.array(ETHNIC_BASE), (len(kids), 1))
    base[kids["region_code"].to_numpy() == LONDON] *= ETHNIC_LONDON
    base[kids["la_code"].isin(ASIAN_HIGH_LAS).to_numpy()] *= ETHNIC_ASIAN_HIGH
    teen_harm = (kids["age_years"] >= 11) & kids["kind"].isin(
        TEEN_HARMS | {"extrafamilial_homicide"}
    )
    base[teen_harm.to_numpy()] *= ETHNIC_TEEN_HARM
    quotas = largest_remainder(ETHNIC_GROUPS_2020, len(kids))
    groups = assign(rng, base, list(quotas.values()))
    return _harmonise_siblings(rng, groups, kids)


def _harmonise_siblings(
    rng: np.random.Generator, groups: np.ndarray, kids: pd.DataFrame
) -> np.ndarray:
    """Give most siblings the first child's group by swapping with single children."""
    groups = groups.copy()
    position = kids["position"].to_numpy()
    family = kids["group"].to_numpy()
    single = np.flatnonzero(kids["n_children"].to_numpy() == 1)
    first_of = {family[i]: i for i in np.flatnonzero(position == 0)}
    for i in np.flatnonzero(position > 0):
        wanted = groups[first_of[family[i]]]
        if groups[i] == wanted or rng.random() >= SIBLING_SAME_ETHNICITY:
            continue
        donors = single[groups[single] == wanted]
        if len(donors):
            donor = donors[rng.integers(len(donors))]
            groups[donor], groups[i] = groups[i], wanted
    return groups


def _ethnicity_codes(rng: np.random.Generator, groups: np.ndarray, kids: pd.DataFrame) -> list:
    """Detailed ONS 2011 codes within each group; siblings in one group share a code."""
    result: list[str] = []
    chosen: dict[tuple[int, int], str] = {}
    for group_index, family in zip(groups, kids["group"], strict=True):
        key = (int(family), int(group_index))
        if key not in chosen:
            detail = ETHNIC_DETAIL[ETHNIC_GROUPS[group_index]]
            p = np.array(list(detail.values()))
            chosen[key] = list(detail)[rng.choice(len(detail), p=p / p.sum())]
        result.append(chosen[key])
    return result


def _flags(rng: np.random.Generator, frame: pd.DataFrame) -> pd.DataFrame:
    """Case characteristics to exact quotas, weighted by harm, age and each other."""
    frame = frame.copy()
    n = len(frame)
    kind = frame["kind"].to_numpy()
    age = frame["index_age"].to_numpy()

    def quota(name: str) -> int:
        return largest_remainder({1: FLAGS_2020[name], 0: 482 - FLAGS_2020[name]}, n)[1]

    frame["domestic_abuse"] = pick(rng, lookup(DOMESTIC_ABUSE, kind), quota("domestic_abuse"))
    m = lookup(INFANT_KINDS, kind) * np.where(np.isin(kind, list(TEEN_HARMS)), 0.5, 1.0)
    m = m * np.where(frame["domestic_abuse"] == 1, 1.4, 1.0)
    pmh = largest_remainder(PARENTAL_MH_2020, n)
    chosen = np.array(list(pmh))[
        assign(rng, np.column_stack([np.ones(n), m, m, m]), list(pmh.values()))
    ]
    frame["maternal_mental_health"] = np.isin(chosen, ["maternal", "both"]).astype(int)
    frame["paternal_mental_health"] = np.isin(chosen, ["paternal", "both"]).astype(int)

    child_mh = lookup(CHILD_MH, kind) * np.select([age < 5, age < 11], [0.0, 0.3], 1.0)
    frame["child_mental_health"] = pick(rng, child_mh, quota("child_mental_health"))
    frame["parental_alcohol_misuse"] = pick(
        rng, lookup(ALCOHOL, kind), quota("parental_alcohol_misuse")
    )
    drugs = lookup(DRUGS, kind) * np.where(frame["parental_alcohol_misuse"] == 1, 2.0, 1.0)
    frame["parental_drug_misuse"] = pick(rng, drugs, quota("parental_drug_misuse"))

    misuse = (frame["parental_alcohol_misuse"] + frame["parental_drug_misuse"]).to_numpy()
    frame["neglect_feature"] = 0
    fatal = (frame["outcome"] == "death").to_numpy()
    for mask, reference in ((fatal, NEGLECT_FATAL_2020), (~fatal, NEGLECT_NONFATAL_2020)):
        weights = lookup(NEGLECT, kind[mask]) * np.where(misuse[mask] > 0, 1.5, 1.0)
        k = largest_remainder(reference, int(mask.sum()))[1]
        frame.loc[mask, "neglect_feature"] = pick(rng, weights, k)

    frame["exploitation_background"] = 0
    risk = (frame["kind"] == "risk_taking_violent").to_numpy()
    risk_weights = np.where(age[risk] >= 15, 1.5, 1.0)
    k = largest_remainder(EXPLOITATION_RISK_2020, int(risk.sum()))[1]
    frame.loc[risk, "exploitation_background"] = pick(rng, risk_weights, k)
    rest_weights = lookup(EXPLOITATION_REST, kind[~risk], default=0.0) * (age[~risk] >= 11)
    k = largest_remainder(EXPLOITATION_REST_2020, int((~risk).sum()))[1]
    frame.loc[~risk, "exploitation_background"] = pick(rng, rest_weights, k)

    known = lookup(PREVIOUSLY_KNOWN, kind) * (
        1 + 0.5 * (frame["domestic_abuse"] + frame["parental_drug_misuse"]).to_numpy()
    )
    frame["previously_known"] = pick(rng, known, quota("previously_known"))
    return frame


def _block(
    rng: np.random.Generator, block: Block, las: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Notifications and children for one calibration block (local ids, block order)."""
    frame = _categories(rng, _outcomes(rng, block))
    frame["n_children"] = _child_counts(rng, frame)
    picked = rng.choice(len(las), size=len(frame), p=las["weight"] / las["weight"].sum())
    for column in ("la_code", "la_name", "region_code", "region_name"):
        frame[column] = las[column].to_numpy()[picked]

    kids = frame.loc[frame.index.repeat(frame["n_children"])].copy()
    kids["group"] = kids.index
    kids["position"] = kids.groupby(level=0).cumcount()
    kids = kids.reset_index(drop=True)
    kids["age_years"] = _ages(rng, kids)
    kids["sex"] = _sexes(rng, kids)
    groups = _ethnic_groups(rng, kids)
    kids["ethnicity"] = _ethnicity_codes(rng, groups, kids)

    frame["index_age"] = kids.loc[kids["position"] == 0, "age_years"].to_numpy()
    frame = _flags(rng, frame)
    return frame, kids[["group", "position", "age_years", "sex", "ethnicity"]]


# --------------------------------------------------------------------------------------------
# Dates and reviews over the whole timeline
# --------------------------------------------------------------------------------------------

INCIDENT_LAG_P = np.array(
    [0.06, 0.16, 0.15, 0.13, 0.11, 0.09]  # 0 to 5 days
    + [0.05, 0.04, 0.04, 0.03, 0.02]  # 6 to 10
    + [0.012] * 10  # 11 to 20
)


def _incident_dates(rng: np.random.Generator, notified: np.ndarray) -> np.ndarray:
    """Incident dates 0-20 days before notification, mostly 1-5."""
    lag = rng.choice(
        len(INCIDENT_LAG_P), size=len(notified), p=INCIDENT_LAG_P / INCIDENT_LAG_P.sum()
    )
    return notified - lag.astype("timedelta64[D]")


def _rapid_review_dates(rng: np.random.Generator, notified: np.ndarray) -> np.ndarray:
    """Rapid review received a number of working days after notification (~70% within 15).

    Reviews that would arrive after the extract date are not yet received (NaT).
    """
    n = len(notified)
    on_time = rng.random(n) < 0.72
    quick = rng.integers(4, 16, size=n)
    late = 16 + np.minimum(rng.geometric(1 / 12, size=n) - 1, 100)
    delay = np.where(on_time, quick, late)
    received = np.busday_offset(notified, delay, roll="forward", holidays=list(bank_holidays()))
    return np.where(received <= np.datetime64(EXTRACT_DATE, "D"), received, np.datetime64("NaT"))


def _decisions(rng: np.random.Generator, frame: pd.DataFrame) -> np.ndarray:
    """Local review decision: about a third commissioned; pending until made."""
    received = frame["rapid_review_date"].to_numpy(dtype="datetime64[D]")
    decided_on = received + rng.integers(10, 60, size=len(frame)).astype("timedelta64[D]")
    decided = ~np.isnat(received) & (decided_on <= np.datetime64(EXTRACT_DATE, "D"))
    weights = lookup(LCSPR, frame["kind"]) * np.where(frame["domestic_abuse"] == 1, 1.3, 1.0)
    lcspr = np.zeros(len(frame), dtype=int)
    lcspr[decided] = pick(rng, weights[decided], round(LCSPR_SHARE * decided.sum()))
    return np.where(~decided, "pending", np.where(lcspr == 1, "lcspr", "no_lcspr"))


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def generate(seed: int = DEFAULT_SEED) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The synthetic notifications and children tables (columns as docs/architecture.md).

    Dates are ``datetime64`` (a rapid review not yet received is ``NaT``); codes that do not
    apply are missing; flags are 0/1 integers. The same seed always gives the same data.
    """
    rng = np.random.default_rng(seed)
    las = local_authorities()
    frames, children = [], []
    for number, block in enumerate(BLOCKS):
        frame, kids = _block(rng, block, las)
        frame["group"] = [(number, i) for i in range(len(frame))]
        kids["group"] = [(number, g) for g in kids["group"]]
        frames.append(frame)
        children.append(kids)
    notes = pd.concat(frames, ignore_index=True)
    notes["tiebreak"] = rng.random(len(notes))
    notes = notes.sort_values(["notification_date", "tiebreak"], ignore_index=True)
    notes["notification_id"] = [f"N{i:06d}" for i in range(1, len(notes) + 1)]

    notified = notes["notification_date"].to_numpy(dtype="datetime64[D]")
    notes["incident_date"] = _incident_dates(rng, notified)
    notes["rapid_review_date"] = _rapid_review_dates(rng, notified)
    notes["local_review_decision"] = _decisions(rng, notes)

    kids = pd.concat(children, ignore_index=True)
    ids = dict(zip(notes["group"], notes["notification_id"], strict=True))
    kids["notification_id"] = kids["group"].map(ids)
    kids = kids.sort_values(["notification_id", "position"], ignore_index=True)
    kids["child_id"] = [f"C{i:06d}" for i in range(1, len(kids) + 1)]
    return _tidy_notifications(notes), kids[list(CHILD_COLUMNS)].reset_index(drop=True)


def _tidy_notifications(notes: pd.DataFrame) -> pd.DataFrame:
    """Keep the published columns with their types."""
    notes = notes[list(NOTIFICATION_COLUMNS)].copy()
    for column in DATE_COLUMNS:
        notes[column] = pd.to_datetime(notes[column]).astype("datetime64[s]")
    for column in FLAG_COLUMNS:
        notes[column] = notes[column].astype(int)
    for column in ("cause_of_death", "form_of_harm"):
        notes[column] = notes[column].astype("str")
    return notes


#: The sidecar in which ``write`` records the SHA-256 of each file it wrote (``sha256sum``
#: format), so that it can tell its own files from data it did not write.
MARKER = "synthetic.sha256"
DATA_FILES = ("notifications.csv", "children.csv")


def written_by_synth(path: Path) -> bool:
    """True when ``path`` holds exactly the bytes ``write`` last recorded for it."""
    marker = path.parent / MARKER
    if not marker.is_file():
        return False
    try:
        recorded = dict(line.split("  ", 1)[::-1] for line in
                        marker.read_text(encoding="utf-8").splitlines() if "  " in line)
    except (OSError, UnicodeDecodeError):
        return False
    return recorded.get(path.name) == hashlib.sha256(path.read_bytes()).hexdigest()


def refuse_to_overwrite(out_dir: Path) -> None:
    """Raise ``UserError`` if ``out_dir`` holds a data file ``write`` did not write."""
    foreign = [out_dir / name for name in DATA_FILES
               if (out_dir / name).exists() and not (
                   (out_dir / name).is_file() and written_by_synth(out_dir / name))]
    if foreign:
        names = ", ".join(str(path) for path in foreign)
        raise UserError(
            f"{names}: not written by `reportkit synth` (or changed since; see {MARKER}), so "
            "it may be real data: refusing to overwrite it with synthetic rows. Write the "
            "synthetic data elsewhere with --out DIR, or pass --force to overwrite"
        )


def write(out_dir: Path, seed: int = DEFAULT_SEED, *, force: bool = False) -> list[Path]:
    """Write ``notifications.csv`` and ``children.csv`` to ``out_dir``; returns the paths.

    Deterministic bytes: rows sorted by id, ISO dates, flags 0/1, ``\\n`` line endings,
    empty cells for not applicable. Their SHA-256 go to ``synthetic.sha256`` beside them.
    Without ``force``, data files not written here (see ``written_by_synth``) are refused.
    """
    out_dir = Path(out_dir)
    if not force:
        refuse_to_overwrite(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    notifications, children = generate(seed)
    paths = [out_dir / name for name in DATA_FILES]
    texts = [frame.to_csv(index=False, lineterminator="\n", date_format="%Y-%m-%d")
             for frame in (notifications, children)]
    marker = "".join(f"{hashlib.sha256(text.encode()).hexdigest()}  {path.name}\n"
                     for text, path in zip(texts, paths, strict=True))
    for text, path in [*zip(texts, paths, strict=True), (marker, out_dir / MARKER)]:
        partial = path.with_name(f".{path.name}.partial")
        partial.write_bytes(text.encode("utf-8"))
        partial.replace(path)
    return paths
