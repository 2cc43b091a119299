"""Read models built from the event store (SPC series, dashboards, audit trails)."""
