"""The Import page: upload files or a zip, see what craftpath inferred and what it left out,
change hints and run again, then publish it as a new framework version with lint's findings.

Only the admin and people-team roles may import (`access.can_import_framework`). Uploads are
limited before they are read (each file and the whole request) and again after a zip is
unpacked (its total size and number of files), so a small zip cannot unpack into gigabytes;
the readers' own budgets (core/formats/budget.py) bound what the files may hold.

The upload is read once per upload and hints: the reading (canonical document, report, lint's
findings) is kept with the draft, keyed by their digest, and the page is drawn from it.
Publishing goes through the one publish action (actions.frameworks.publish), with a change
note, the author, the audit entry and the news to people with an open check-in.
"""

from __future__ import annotations

import hashlib
import io
import json
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from craftpath.core.formats import canonical, document, load
from craftpath.core.formats.inputs import InputError, TextFile
from craftpath.core.lint import lint
from craftpath.core.model import Diagnostic, Severity, Source
from craftpath.web.actions import Invalid
from craftpath.web.actions import frameworks as framework_actions

from .. import access
from .drafts import DraftError
from .models import ImportDraft
from .problems import GitError, PublishError

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # before unpacking: all files of one upload together
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # after unpacking a zip
MAX_FILES = 2000
MAX_LEFT_OUT_SHOWN = 300


class UploadError(ValueError):
    """An upload refused as a whole; the message says which file and why."""


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class UploadForm(forms.Form):
    files = forms.FileField(widget=MultipleFileInput(attrs={"multiple": True}),
                            help_text="Markdown, HTML, reStructuredText, LaTeX, CSV, XLSX, JSON, "
                                      "YAML or JavaScript files, or one zip of a folder.")


class HintsForm(forms.Form):
    hints = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One KEY=VALUE a line: level=heading-3, area=bold-lead-in, family=file-name, "
                  "split=;, levels=Junior,Mid,Senior, name=…")

    def clean_hints(self) -> str:
        text = self.cleaned_data["hints"]
        try:
            document.check_hints(parse_hints(text))
        except (document.HintError, ValueError) as error:
            raise forms.ValidationError(str(error)) from None
        return text


def limits() -> tuple[int, int, int]:
    return (getattr(settings, "CRAFTPATH_IMPORT_MAX_UPLOAD", MAX_UPLOAD_BYTES),
            getattr(settings, "CRAFTPATH_IMPORT_MAX_UNPACKED", MAX_UNPACKED_BYTES), MAX_FILES)


def parse_hints(text: str) -> dict[str, str]:
    hints = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"line {number}: expected KEY=VALUE, got {line.strip()!r}")
        hints[key.strip()] = value.strip()
    return hints


def pack_upload(uploads) -> bytes:
    """The uploaded files as one zip, refusing anything over the limits or unsafe paths."""
    max_upload, max_unpacked, max_files = limits()
    if sum(upload.size for upload in uploads) > max_upload:
        raise UploadError(f"the upload is larger than {max_upload // (1024 * 1024)} MB")
    packed = io.BytesIO()
    total, count = 0, 0
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as out:
        for upload in uploads:
            name = PurePosixPath(upload.name).name
            data = upload.read(max_upload + 1)
            if name.lower().endswith(".zip"):
                for inner, content in _unpacked(name, data, max_unpacked - total):
                    total += len(content)
                    count += 1
                    if count > max_files:
                        raise UploadError(f"{name}: more than {max_files} files")
                    out.writestr(inner, content)
            else:
                total += len(data)
                count += 1
                out.writestr(_safe_name(name, name), data)
    if total > max_unpacked:
        raise UploadError(f"the files unpack to more than {max_unpacked // (1024 * 1024)} MB")
    if not count:
        raise UploadError("no files were uploaded")
    return packed.getvalue()


def _unpacked(zip_name: str, data: bytes, budget: int):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UploadError(f"{zip_name}: not a readable zip file") from None
    if sum(info.file_size for info in entries) > budget:
        raise UploadError(f"{zip_name}: unpacks to more than the limit")
    for info in entries:
        name = _safe_name(info.filename, zip_name)
        with archive.open(info) as handle:
            content = handle.read(budget + 1)  # a lying header cannot get past the budget
        budget -= len(content)
        if budget < 0:
            raise UploadError(f"{zip_name}: unpacks to more than the limit")
        yield name, content


def _safe_name(name: str, where: str) -> str:
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise UploadError(f"{where}: the path {name!r} points outside the upload")
    return str(path)


@dataclass
class Outcome:
    """One run of the importer over a draft, shaped for the page, and kept with the draft
    (`stored`, `from_stored`) so that drawing the page again does not read the upload again."""

    error: str = ""
    families: list = field(default_factory=list)
    report: dict = field(default_factory=dict)
    findings: list = field(default_factory=list)
    left_out: list = field(default_factory=list)
    framework: object = None
    diagnostics: list = field(default_factory=list)
    document: dict | None = None  # the framework as a canonical document

    def stored(self) -> dict:
        return {"error": self.error, "families": self.families, "report": self.report,
                "findings": self.findings, "left_out": self.left_out,
                "document": self.document,
                "diagnostics": [[d.code, d.severity.value, d.message, d.source.file,
                                 d.source.line] for d in self.diagnostics]}

    @classmethod
    def from_stored(cls, data: dict) -> Outcome:
        notes = [Diagnostic(code, Severity(severity), message, Source(file, line))
                 for code, severity, message, file, line in data.get("diagnostics", [])]
        return cls(data["error"], data["families"], data["report"], data["findings"],
                   data["left_out"], None, notes, data.get("document"))

    def framework_to_publish(self):
        """The framework read back from its canonical document: the very content that is
        published (the version stores that document)."""
        if self.framework is None and self.document is not None:
            text = json.dumps(self.document, ensure_ascii=False)
            self.framework, _ = canonical.read_text(TextFile(Path("upload"), text),
                                                    budget=False)  # written by craftpath
        return self.framework


def reading_key(draft: ImportDraft) -> str:
    """The digest of what a reading depends on: the upload and the hints."""
    digest = hashlib.sha256(bytes(draft.archive))
    digest.update(b"\0" + (draft.hints or "").encode("utf-8"))
    return digest.hexdigest()


def reading_of(draft: ImportDraft) -> Outcome:
    """The draft's reading: the kept one when it was made from this upload and these hints,
    else a new one, kept for next time."""
    key = reading_key(draft)
    if draft.reading is not None and draft.reading_key == key:
        return Outcome.from_stored(draft.reading)
    outcome = run(draft)
    # Only onto the draft it was read from: a new upload or new hints since then win.
    ImportDraft.objects.filter(pk=draft.pk, updated_at=draft.updated_at).update(
        reading=outcome.stored(), reading_key=key)
    return outcome


def run(draft: ImportDraft) -> Outcome:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "upload"
        with zipfile.ZipFile(io.BytesIO(bytes(draft.archive))) as archive:
            for info in archive.infolist():
                target = folder / _safe_name(info.filename, "upload")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(archive.read(info))
        try:
            loaded = load([folder], hints=parse_hints(draft.hints) or None)
        except (InputError, ValueError) as error:
            return Outcome(error=str(error).replace(str(folder) + "/", ""))
    strip = str(folder) + "/"
    report = loaded.report.as_dict() if loaded.report else {"files": [], "totals": {}}
    for file in report["files"]:
        file["file"] = file["file"].replace(strip, "")
    left_out = [dict(block, file=file["file"]) for file in report["files"]
                for block in file["blocks"] if block["role"] == "left-out"]
    families = [{
        "name": family.name,
        "levels": [level.label for level in family.levels],
        "areas": [(area.name, sum(len(cell.statements) for cell in family.expectations
                                  if cell.area == area.slug)) for area in family.areas],
        "statements": len(family.statements),
    } for family in (loaded.framework.families if loaded.framework else ())]
    findings = [(str(d.source).replace(strip, ""), d.severity.value, d.code, d.message)
                for d in lint(loaded.framework, loaded.diagnostics)]
    notes = [Diagnostic(d.code, d.severity, d.message,
                        Source(d.source.file.replace(strip, ""), d.source.line))
             for d in loaded.diagnostics]
    document_of = canonical.to_document(loaded.framework) if loaded.framework else None
    return Outcome("", families, report, findings, left_out[:MAX_LEFT_OUT_SHOWN],
                   loaded.framework, notes, document_of)


def _allowed(request) -> None:
    if not access.can_import_framework(request.user):
        raise PermissionDenied("Importing a framework needs the admin or people-team role.")


def import_page(request):
    if not access.signed_in(request.user):
        return redirect_to_login(request.get_full_path())
    _allowed(request)
    draft = ImportDraft.objects.filter(owner=request.user).first()
    upload_form = UploadForm()
    hints_form = HintsForm(initial={"hints": draft.hints if draft else ""})
    status = 200
    upload_error = ""
    if request.method == "POST" and request.POST.get("action") == "upload":
        try:  # the files are checked here, against the limits, not by a form field
            archive = pack_upload(request.FILES.getlist("files"))
        except UploadError as error:
            upload_error, status = str(error), 400
        else:
            with transaction.atomic():
                ImportDraft.objects.update_or_create(
                    owner=request.user, defaults={"archive": archive,
                                                  "hints": draft.hints if draft else "",
                                                  "reading": None, "reading_key": ""})
            return redirect("import")
    elif request.method == "POST" and request.POST.get("action") == "hints":
        hints_form = HintsForm(request.POST)
        if draft is None:
            messages.error(request, "Upload files first; hints apply to an upload.")
            return redirect("import")
        if hints_form.is_valid():
            draft.hints = hints_form.cleaned_data["hints"]
            draft.reading, draft.reading_key = None, ""
            draft.save(update_fields=["hints", "reading", "reading_key", "updated_at"])
            return redirect("import")
        status = 400
    elif request.method not in ("GET", "HEAD"):
        status = 400
    outcome = reading_of(draft) if draft is not None else None
    return _page(request, draft, outcome, status, upload_form=upload_form,
                 hints_form=hints_form, upload_error=upload_error)


def _page(request, draft, outcome, status=200, **context):
    context.setdefault("upload_form", UploadForm())
    context.setdefault("hints_form", HintsForm(initial={"hints": draft.hints if draft else ""}))
    return render(request, "frameworks/import.html", {
        **context, "draft": draft, "outcome": outcome,
        "max_upload_mb": limits()[0] // (1024 * 1024),
        "max_unpacked_mb": limits()[1] // (1024 * 1024)}, status=status)


@require_POST
def publish_import(request):
    if not access.signed_in(request.user):
        return redirect_to_login(request.get_full_path())
    _allowed(request)
    draft = ImportDraft.objects.filter(owner=request.user).first()
    if draft is None:
        messages.error(request, "There is nothing to publish: upload a framework first.")
        return redirect("import")
    outcome = reading_of(draft)
    framework = outcome.framework_to_publish() if not outcome.error else None
    if framework is None:
        messages.error(request, f"Nothing was published: {outcome.error or 'no framework'}")
        return redirect("import")
    note = request.POST.get("note", "")
    try:
        published = framework_actions.publish(request.user, framework, note, source="import",
                                              diagnostics=outcome.diagnostics)
    except Invalid as problem:
        return _page(request, draft, outcome, 400, publish_error=problem.message,
                     note_error=problem.message, note=note)
    except PublishError as error:
        return _page(request, draft, outcome, 400, publish_error=str(error), note=note)
    except (DraftError, GitError) as problem:  # the git working copy refused
        return _page(request, draft, outcome, 409, publish_error=str(problem), note=note)
    if published.unchanged:
        messages.info(request, f"This upload is already the active version "
                               f"{published.version.label}: nothing was published.")
        return redirect("import")
    draft.delete()
    told = f"{published.told} {'person' if published.told == 1 else 'people'}"
    messages.success(request, f"Published {published.version.name} as version "
                              f"{published.version.label}, with {len(published.warnings)} "
                              f"lint warning(s). {told} with an open check-in on an older "
                              "version will be told in their inbox and by email.")
    return redirect("versions")
