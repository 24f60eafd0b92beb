#!/usr/bin/env python
"""Django's command-line entry point for Rakwon."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rakwon_site.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        from rakwon_site.startup import run_for_command

        run_for_command(sys.argv)  # only commands that serve: they stop with one line if misconfigured
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as problem:
        # A configuration mistake gets one line saying what to fix, not a traceback.
        sys.exit(f"rakwon: configuration error: {problem}")
