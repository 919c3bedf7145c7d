"""The JSON API a frontend drives: thin DRF views over `campaigns.services` and selectors."""
