"""Services: every write and every Kie.ai call (see docs/interfaces.md)."""
