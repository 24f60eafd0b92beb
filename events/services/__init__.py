"""Business operations on events, as plain functions raising typed errors."""
