"""The exhibition floor: halls, exhibitors and their staff, booths."""
