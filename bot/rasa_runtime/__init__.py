"""Rasa's runtime for the assistant: loading the agent, its patches, its tracker store and the action server.

Only this package and bot/assistant.py import Rasa; endpoints.yml names the tracker store Rasa builds.
"""
