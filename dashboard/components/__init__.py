"""Pieces every page is made of: the page frame with its filter bar, chart panels, KPI
cards, tables and the drill-down panel."""
