"""Mediation Assistant: every rule and service the Rasa actions, channels, staff app and CLI share."""
