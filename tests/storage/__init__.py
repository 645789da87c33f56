"""Tests of services.storage."""
