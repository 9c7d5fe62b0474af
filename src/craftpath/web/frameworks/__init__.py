"""Published framework versions and the framework pages."""
