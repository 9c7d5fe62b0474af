"""`craftpath manage audit_purge`: delete audit entries older than the retention period."""

from django.core.management.base import BaseCommand

from craftpath.web.audit.trail import purge, retention_days


class Command(BaseCommand):
    help = ("Delete audit entries older than CRAFTPATH_AUDIT_RETENTION_DAYS (default 730); "
            "the chain still verifies from the first kept entry, and the purge is recorded.")

    def handle(self, *args, **options):
        count = purge()
        self.stdout.write(f"purged {count} audit entries older than {retention_days()} days")
