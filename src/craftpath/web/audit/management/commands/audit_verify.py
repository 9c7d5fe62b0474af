"""`craftpath manage audit_verify`: walk the audit trail's hash chain; exit 1 on any break,
or when it no longer reaches a head noted elsewhere (`--expect-head SEQ:HASH`)."""

from django.core.management.base import BaseCommand, CommandError

from craftpath.web.audit.trail import parse_head, verify


class Command(BaseCommand):
    help = ("Check the audit trail's hash chain from its anchor to its head: an edited, "
            "deleted or reordered entry, or a start cut off, is reported, and the command "
            "exits 1.")

    def add_arguments(self, parser):
        parser.add_argument("--expect-head", metavar="SEQ:HASH",
                            help="a head noted earlier (beside a backup, say): check that "
                                 "the trail still holds that entry unchanged")

    def handle(self, *args, **options):
        noted = None
        if options["expect_head"] is not None:
            try:
                noted = parse_head(options["expect_head"])
            except ValueError as error:
                raise CommandError(f"--expect-head: {error}", returncode=2) from None
        found = verify(expect_head=noted)
        if not found.intact:
            for problem in found.problems:
                self.stderr.write(f"audit trail: {problem}")
            raise CommandError(f"the audit trail is broken ({len(found.problems)} problem(s) "
                               f"in {found.checked} entries)")
        span = f"entries {found.first_seq}–{found.head_seq}" if found.checked else "no entries"
        self.stdout.write(f"audit trail intact: {found.checked} entries ({span}); head "
                          f"{found.head_seq}:{found.head_hash}")
        if noted:
            self.stdout.write(f"it still reaches the noted head {noted[0]}:{noted[1]}")
