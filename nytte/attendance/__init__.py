"""Attendance and capacity: the morning roll, the referral funnel, absence notices,
course length, the at-risk list and the capacity and attendance dashboards."""
