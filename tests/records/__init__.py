"""Tests of services.records."""
