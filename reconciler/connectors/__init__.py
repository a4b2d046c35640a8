"""Connectors: the only code that talks to a console. Playwright is imported only here."""
