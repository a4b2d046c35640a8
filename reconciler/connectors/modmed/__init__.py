"""The ModMed (EMA) connector: the admin console driven through Chromium with Playwright."""

from reconciler.connectors.modmed.connector import ModMedConnector, ModMedTarget

__all__ = ["ModMedConnector", "ModMedTarget"]
