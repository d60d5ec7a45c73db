"""Pure parsers of the care domain (no database): survey answers, complaint-history files."""
