"""The compliance API (FastAPI). See issue 6; not built yet."""
