"""interactions-codegen: a generator for a typed Python client of the Gemini Interactions API.

The pipeline (see `pipeline.py`) reads Google's pinned OpenAPI spec, applies the project's
reviewed overlays, builds an intermediate model of the API, renders it with Jinja templates,
formats the result with ruff and hands one file map to a single writer.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
