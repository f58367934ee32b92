"""Kefu Academy's core: settings, URLs, people and teams, curricula, quizzes and go-live."""
