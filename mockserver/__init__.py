"""mockserver: a stateful, contract-checked stand-in for four campaign-messaging APIs."""

from mockserver.app import create_app
from mockserver.settings import Settings

__all__ = ["create_app", "Settings"]
