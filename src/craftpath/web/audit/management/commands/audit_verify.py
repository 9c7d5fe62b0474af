"""`craftpath manage audit_verify`: walk the audit trail's hash chain; exit 1 on any break."""

from django.core.management.base import BaseCommand, CommandError

from craftpath.web.audit.trail import verify


class Command(BaseCommand):
    help = ("Check the audit trail's hash chain from its anchor to its head: an edited, "
            "deleted or reordered entry is reported, and the command exits 1.")

    def handle(self, *args, **options):
        found = verify()
        if not found.intact:
            for problem in found.problems:
                self.stderr.write(f"audit trail: {problem}")
            raise CommandError(f"the audit trail is broken ({len(found.problems)} problem(s) "
                               f"in {found.checked} entries)")
        span = f"entries {found.first_seq}–{found.head_seq}" if found.checked else "no entries"
        self.stdout.write(f"audit trail intact: {found.checked} entries ({span}); head "
                          f"{found.head_hash}")
