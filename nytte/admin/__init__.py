"""Administration: searching the audit trail and a participant's right of access."""
