"""Presence: who is where in the live event (the lobby and every registered kind of place), never
in the database."""
