"""The live socket: its consumer, frame protocol, handlers, group names, limits and presence."""
