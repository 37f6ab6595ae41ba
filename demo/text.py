"""Columns as the exports write them: dates, joined text, exact money, enumeration labels;
CSV in chunks in an export's encoding, XLSX workbooks.
"""

from __future__ import annotations

import codecs
from datetime import datetime
from pathlib import Path

import numpy as np
import polars as pl
import xlsxwriter

CSV_CHUNK_ROWS = 200_000


def join(*parts: pl.Series | str) -> pl.Series:
    """Row-wise concatenation of string Series and constant strings."""
    columns = {f"p{i}": part for i, part in enumerate(parts) if isinstance(part, pl.Series)}
    pieces = [
        pl.lit(part) if isinstance(part, str) else pl.col(f"p{i}") for i, part in enumerate(parts)
    ]
    return pl.DataFrame(columns).select(pl.concat_str(pieces).alias("joined")).to_series()


def nullable(values: np.ndarray, present: np.ndarray) -> pl.Series:
    return pl.select(
        pl.when(pl.lit(pl.Series(present))).then(pl.lit(pl.Series(values)))
    ).to_series()


def as_dates(days: np.ndarray) -> pl.Series:
    return pl.Series(np.asarray(days, np.int64).astype("datetime64[D]"))


def money(
    cents: pl.Expr, grouped: pl.Expr | bool = False, suffix: pl.Expr | bool = False
) -> pl.Expr:
    """Exact text of an amount in cents: `1234.56`, `1,234.56` or `1234.56元`."""
    value = cents.abs()
    yuan = value // 100
    fraction = (value % 100).cast(pl.String).str.zfill(2)

    def group(divisor: int) -> pl.Expr:
        return ((yuan // divisor) % 1000).cast(pl.String).str.zfill(3)

    def head(divisor: int) -> pl.Expr:
        return (yuan // divisor).cast(pl.String)

    with_commas = (
        pl.when(yuan >= 10**9)
        .then(pl.concat_str([head(10**9), group(10**6), group(1000), group(1)], separator=","))
        .when(yuan >= 10**6)
        .then(pl.concat_str([head(10**6), group(1000), group(1)], separator=","))
        .when(yuan >= 1000)
        .then(pl.concat_str([head(1000), group(1)], separator=","))
        .otherwise(yuan.cast(pl.String))
    )
    whole = pl.when(grouped).then(with_commas).otherwise(yuan.cast(pl.String))
    sign = pl.when(cents < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    unit = pl.when(suffix).then(pl.lit("元")).otherwise(pl.lit(""))
    text = pl.concat_str([sign, whole, pl.lit("."), fraction, unit])
    return pl.when(cents.is_null()).then(pl.lit(None, pl.String)).otherwise(text)


def labels(
    codes: np.ndarray, english: list[str], chinese: list[list[str]] | list[str], in_chinese: bool,
    rng: np.random.Generator,
) -> pl.Series:  # fmt: skip
    """Text of enumeration codes (-1 is blank), with the spelling variants of Chinese exports."""
    if in_chinese:
        variants = [v if isinstance(v, list) else [v] for v in chinese]
        flat = [text for v in variants for text in v]
        offset = np.cumsum([0] + [len(v) for v in variants[:-1]])
        size = np.array([len(v) for v in variants])
        safe = np.maximum(codes, 0)
        index = offset[safe] + np.where(rng.random(len(codes)) < 0.2, size[safe] - 1, 0)
    else:
        flat = list(english)
        index = np.maximum(codes, 0)
    index = np.where(codes < 0, len(flat), index)
    return pl.Series([*flat, None], dtype=pl.String).gather(index)


def write_csv_chunks(path: Path, frame: pl.DataFrame, encoding: str) -> None:
    """CSV in chunks: `utf-8`, `utf-8-sig` (with BOM) or `gbk` (CRLF, as Excel saves it)."""
    with path.open("wb") as out:
        if encoding == "utf-8-sig":
            out.write(codecs.BOM_UTF8)
        for offset in range(0, max(frame.height, 1), CSV_CHUNK_ROWS):
            chunk = frame.slice(offset, CSV_CHUNK_ROWS)
            if encoding == "gbk":
                text = chunk.write_csv(include_header=offset == 0, line_terminator="\r\n")
                out.write(text.encode("gbk"))
            else:
                chunk.write_csv(out, include_header=offset == 0)


def xlsx_workbook(path: Path, created: datetime) -> xlsxwriter.Workbook:
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    workbook.set_properties({"created": created, "author": "demo"})
    return workbook
