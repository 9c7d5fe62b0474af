"""The JSON API (/api/v1/), personal access tokens, SCIM provisioning (/scim/v2/) and signed
webhooks. Every decision about who may see or change what is asked of access.py, and every
change goes through the same functions as the pages (checkins/loop.py)."""
