"""SLA policies, business-hours calendars and the clocks that count only business time."""
