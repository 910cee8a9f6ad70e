"""The Flask side: blueprints, the encrypted session, CSRF, headers and error pages."""
