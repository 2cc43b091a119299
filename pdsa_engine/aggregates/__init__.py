"""The event-sourced aggregates: people, cohorts, projects, measure data, PDSA cycles and sponsor sign-offs.

This package imports only eventsourcing.domain and the engine's own errors: no infrastructure."""
