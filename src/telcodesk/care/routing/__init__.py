"""Hotline routing as data (no database): the IVR outline text format and the
routing the hotline ships with."""
