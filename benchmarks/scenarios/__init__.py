"""One module per scenario of issue 9; each has `run(ctx) -> ScenarioResult`."""
