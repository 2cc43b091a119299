"""pdsa-engine: an event-sourced workflow engine for PDSA improvement cycles."""
