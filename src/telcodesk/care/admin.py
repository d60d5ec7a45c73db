"""Reference-data screens of the care domain."""
