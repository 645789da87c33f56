"""Repositories: queries only. They never commit; the caller's transaction decides."""
