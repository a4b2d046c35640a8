"""Page objects: one per console screen. Selectors live here and nowhere else."""
