"""The event: who runs it, its schedule, registration, privacy and the live socket."""
