"""Versioned datasets in SQLite or PostgreSQL, and join codes."""
