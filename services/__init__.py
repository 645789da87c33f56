"""ogi-extract: API, pipeline, storage and configuration."""

__version__ = "0.1.0"
