"""The extraction pipeline: submitted bytes or text in, validated `Record` out.

The CLI, the API and the Celery worker all call `extract()`; nothing else runs the steps.
See `services/pipeline/run.py` for the ordered list of steps and their contracts.
"""

from services.pipeline.run import PIPELINE_VERSION, STAGES, StageCallback, extract

__all__ = ["PIPELINE_VERSION", "STAGES", "StageCallback", "extract"]
