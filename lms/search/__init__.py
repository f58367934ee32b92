"""Chinese text search shared by every app: how text and queries become terms (analysis)."""
