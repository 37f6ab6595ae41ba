"""Scheduled PDF reports: rendering, schedules and e-mail."""
