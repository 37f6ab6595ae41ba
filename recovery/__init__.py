"""Loan collection analytics: the shared core (settings, database access, command line)."""
