"""National figures from Jobindsats.dk (STAR): the API v3 client and the CSV import.

``client`` talks HTTP, ``parse`` turns the API's ``columns``/``rows`` and a
jobindsats.dk CSV export into :class:`~nytte.jobindsats.parse.Observation` rows,
``store`` keeps them in the database with their fetch date. A failed fetch never
touches the stored figures: the council's page keeps showing the last good data
with the date it was fetched.
"""
