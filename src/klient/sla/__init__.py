"""SLA: policies, the business-time clock, escalations. Calendars are klient.calendars'."""
