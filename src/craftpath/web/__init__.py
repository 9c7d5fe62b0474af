"""The Django project: settings from the environment, and one app per feature."""
