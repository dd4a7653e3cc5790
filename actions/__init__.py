"""Rasa custom actions and the curated FAQ content they answer from."""
