"""Presence: who is where in the live event (lobby, halls, booths, sessions), never in the database."""
