"""Agents' external calendars (issue 15): CalDAV calendars and ICS feeds read in the
background, their busy times expanded on our side so every server gives the same answer."""
