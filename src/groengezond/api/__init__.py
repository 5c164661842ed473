"""The FastAPI app: thin routers over the services."""

from groengezond.api.app import create_app

__all__ = ["create_app"]
