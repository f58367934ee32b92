"""Demo content for seed_demo."""
