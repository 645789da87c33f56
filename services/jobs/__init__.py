"""Jobs: submitting documents, running the pipeline on them, telling callers when done.

The domain layer between the HTTP routes / Celery tasks and the repositories. A job's state
lives in the database (the source of truth), never in Celery's result backend.
"""
