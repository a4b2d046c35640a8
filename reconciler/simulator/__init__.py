"""A stand-in for the ModMed EMA admin console: a separate web app that only speaks HTTP.

Nothing here imports from the rest of `reconciler` (an import-linter contract enforces it),
so the connector is tested against the console the way it would meet the real one.
Entry points: `create_app(SimConfig)` in app.py, and `reconciler sim` on the command line.
"""
