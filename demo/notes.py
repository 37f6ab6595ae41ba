"""Free-text notes on actions (备注), some holding a name or a mobile number."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from demo.codes import NOTES
from demo.people import mobiles, person_names
from demo.teams import AGENCIES, FIRST_AGENCY


@dataclass
class NotePools:
    names: pl.Series
    phones: pl.Series

    @classmethod
    def build(cls, rng: np.random.Generator) -> NotePools:
        names = person_names(rng, rng.random(5000) < 0.5)
        phones = pl.Series(mobiles(rng, 5000)).cast(pl.String)
        return cls(names, phones)


def notes(
    rng: np.random.Generator, group: np.ndarray, team: np.ndarray, pools: NotePools
) -> pl.Series:
    n = len(group)
    shares = np.array([share for share, _ in NOTES.values()] + [0.0])
    sizes = np.array([len(t) for _, t in NOTES.values()])
    offsets = np.cumsum(np.concatenate([[0], sizes[:-1]]))
    flat = [t for _, templates in NOTES.values() for t in templates]
    g = np.where(group < 0, len(NOTES), group)
    has_note = rng.random(n) < shares[g]
    safe = np.minimum(g, len(NOTES) - 1)
    template = offsets[safe] + (rng.random(n) * sizes[safe]).astype(np.int64)
    template = np.where(has_note, template, len(flat))
    fill_kind = np.array([kind for _, kind, _ in flat] + [0])[template]
    names = pools.names.gather(rng.integers(0, len(pools.names), n))
    phones = pools.phones.gather(rng.integers(0, len(pools.phones), n))
    agency = pl.Series(AGENCIES * 6).gather(np.clip(team - FIRST_AGENCY, 0, 1))
    frame = pl.DataFrame(
        {
            "before": pl.Series([a for a, _, _ in flat] + [None], dtype=pl.String).gather(template),
            "after": pl.Series([c for _, _, c in flat] + [""]).gather(template),
            "kind": fill_kind,
            "name": names,
            "phone": phones,
            "agency": agency,
        }
    )
    kind = pl.col("kind")
    filler = (
        pl.when(kind == 1).then(pl.col("name"))
        .when(kind == 2).then(pl.col("phone"))
        .when(kind == 3).then(pl.col("agency"))
        .otherwise(pl.lit(""))
    )  # fmt: skip
    return frame.select(pl.concat_str([pl.col("before"), filler, pl.col("after")])).to_series()
