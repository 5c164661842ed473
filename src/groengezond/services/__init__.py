"""Use cases: combine core computations and stores; the CLI and API call these."""
