"""ModMed access reconciler: desired access in Git, converged through the admin console."""

__version__ = "0.1.0"
