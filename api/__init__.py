"""The compliance API (FastAPI): ``api.app.create_app(settings)``; see docs/api.md."""
