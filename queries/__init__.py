"""The measures: one function per measure, SQL in plain sight, Polars DataFrames out."""
