"""The incidents' link from the chronology to the record behind an entry (CHR-1; core/extensions.py
`CHRONOLOGY_LINKS`)."""

from doorstep.chronology.selectors import ChronologyLink

INCIDENT_LINK = ChronologyLink("incidents.Incident", "incidents:detail")
