"""The organisation: which units (and teams) a user may see. One place: scope.py."""
