"""Managers' KPIs, the regional council's review, the strategy checklist and reports."""
