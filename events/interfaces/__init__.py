"""The edge of the events app: forms (and, later, exporters) that turn input into service calls."""
