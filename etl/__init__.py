"""Loading lenders' export files into DuckDB: read, map headers, validate, reject, load."""
