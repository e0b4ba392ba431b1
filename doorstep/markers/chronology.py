"""The warning markers' link from the chronology to the record behind an entry (CHR-1; core/extensions.py
`CHRONOLOGY_LINKS`)."""

from doorstep.chronology.selectors import ChronologyLink

MARKER_LINK = ChronologyLink("markers.WarningMarker", "markers:detail")
