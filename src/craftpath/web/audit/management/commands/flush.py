"""`craftpath manage flush`: Django's own, which empties every table, the audit trail's with
it. The database refuses to delete audit entries outside the retention purge (migration 0003),
so this opens the purge's permit for the one transaction. Emptying the whole database is
starting afresh, not cutting the trail: the chain starts again from its genesis, and a head
noted elsewhere (`audit_verify --expect-head`) shows that it did."""

from django.core.management.commands import flush
from django.db import transaction

from craftpath.web.audit.trail import purge_permit


class Command(flush.Command):
    def handle(self, **options):
        database = options["database"]
        with transaction.atomic(using=database), purge_permit(using=database):
            super().handle(**options)
