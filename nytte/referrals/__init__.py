"""Referrals (henvisninger): the citizens a jobcenter refers to a unit, their weekly
schedules and exits; the service that reads and corrects them and the import of
referrals from the case system (through the one file reader, nytte/io/reader.py)."""
