"""Shareable scenarios: Planner scenarios saved on the server with a stable id and versions."""
