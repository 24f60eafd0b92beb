"""The API's floor: halls, exhibitors and booths for event tokens; leads for exhibitor tokens."""
