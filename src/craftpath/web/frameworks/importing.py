"""The Import page: upload files or a zip, see what craftpath inferred and what it left out,
change hints and run again, then publish it as a new framework version with lint's findings.

Only the admin and people-team roles may import (`access.can_import_framework`). Uploads are
limited before they are read (each file and the whole request) and again after a zip is
unpacked (its total size and number of files), so a small zip cannot unpack into gigabytes.
"""

from __future__ import annotations

import io
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

from craftpath.core.formats import document, load
from craftpath.core.formats.inputs import InputError
from craftpath.core.lint import lint

from .. import access
from .models import ImportDraft
from .problems import PublishError
from .publishing import publish_framework

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
    """One run of the importer over a draft, shaped for the page."""

    error: str = ""
    families: list = field(default_factory=list)
    report: dict = field(default_factory=dict)
    findings: list = field(default_factory=list)
    left_out: list = field(default_factory=list)
    framework: object = None
    diagnostics: list = field(default_factory=list)


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
    return Outcome("", families, report, findings, left_out[:MAX_LEFT_OUT_SHOWN],
                   loaded.framework, loaded.diagnostics)


def _allowed(request) -> None:
    if not access.can_import_framework(request.user):
        raise PermissionDenied("importing a framework needs the admin or people-team role")


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
                                                  "hints": draft.hints if draft else ""})
            return redirect("import")
    elif request.method == "POST" and request.POST.get("action") == "hints":
        hints_form = HintsForm(request.POST)
        if draft is None:
            messages.error(request, "Upload files first; hints apply to an upload.")
            return redirect("import")
        if hints_form.is_valid():
            draft.hints = hints_form.cleaned_data["hints"]
            draft.save(update_fields=["hints", "updated_at"])
            return redirect("import")
        status = 400
    elif request.method not in ("GET", "HEAD"):
        status = 400
    outcome = run(draft) if draft is not None else None
    return render(request, "frameworks/import.html", {
        "upload_form": upload_form, "hints_form": hints_form, "draft": draft,
        "outcome": outcome, "upload_error": upload_error,
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
    outcome = run(draft)
    if outcome.error or outcome.framework is None:
        messages.error(request, f"Nothing was published: {outcome.error or 'no framework'}")
        return redirect("import")
    try:
        published = publish_framework(outcome.framework, outcome.diagnostics)
    except PublishError as error:
        return render(request, "frameworks/import.html", {
            "upload_form": UploadForm(), "hints_form": HintsForm(initial={"hints": draft.hints}),
            "draft": draft, "outcome": outcome, "publish_error": str(error),
            "max_upload_mb": limits()[0] // (1024 * 1024),
            "max_unpacked_mb": limits()[1] // (1024 * 1024)}, status=400)
    draft.delete()
    messages.success(request, f"Published {published.version.name} as version "
                              f"{published.version.label}, with {len(published.warnings)} "
                              "lint warning(s).")
    return redirect("versions")
