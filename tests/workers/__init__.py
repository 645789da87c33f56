"""Tests of workers (Celery tasks, against real worker processes)."""
