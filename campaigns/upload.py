"""Contract lists uploaded in admin: checked by their content, kept on disk between preview and confirm.

The file waits under MEDIA_ROOT/private/imports with a random name (never served: MEDIA is not
public); only its token goes in the session. The import rule stays in services.import_contracts.
"""

import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .importing import ImportFileError, ImportReport, is_xlsx, parse_contract_file
from .services import import_contracts

MAX_BYTES = 5 * 1024 * 1024
KEEP_SECONDS = 24 * 60 * 60
TOKEN = re.compile(r"[0-9a-f]{32}")
_TEXT_SAMPLE = 64 * 1024


def _folder() -> Path:
    return Path(settings.MEDIA_ROOT) / "private" / "imports"


def looks_like_text(content: bytes) -> bool:
    """A CSV decodes as text and has (almost) no control characters; one NUL in a row is
    left to the parser, which rejects that row with its line number."""
    sample = content[:_TEXT_SAMPLE]
    try:
        text = sample.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 4:  # a character cut by the sample's end
            text = sample[: exc.start].decode("utf-8-sig")
        else:
            try:
                text = sample.decode("cp1252")
            except UnicodeDecodeError:
                return False
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n")
    return bool(text.strip()) and controls <= max(2, len(text) // 1000)


class ContractUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Contract list"),
        help_text=_(
            "CSV in the site's format, or ICE's participating-agencies sheet as CSV or XLSX."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        content = upload.read()
        if len(content) > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        # The browser's content type is not trusted: the bytes decide.
        if not (is_xlsx(content) or (content[:2] != b"PK" and looks_like_text(content))):
            raise forms.ValidationError(_("This is neither a CSV text file nor an XLSX workbook."))
        self.content = content
        return upload


@dataclass
class StagedUpload:
    token: str
    name: str
    path: Path


def stage(content: bytes, filename: str) -> StagedUpload:
    """Keep the bytes for the confirm step; also clears uploads older than a day."""
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    now = time.time()
    for old in folder.glob("*.upload"):
        if now - old.stat().st_mtime > KEEP_SECONDS:
            old.unlink(missing_ok=True)
    token = secrets.token_hex(16)
    name = Path(filename).name[:100] or "upload"
    path = folder / f"{token}.upload"
    _write_private(path, content)
    _write_private(path.with_suffix(".name"), name.encode("utf-8"))
    return StagedUpload(token=token, name=name, path=path)


def _write_private(path: Path, content: bytes) -> None:
    """Created readable by the site's own user only (0600), whatever the umask."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(content)


def find(token: str) -> StagedUpload | None:
    if not TOKEN.fullmatch(token or ""):
        return None
    path = _folder() / f"{token}.upload"
    if not path.is_file() or time.time() - path.stat().st_mtime > KEEP_SECONDS:
        return None
    name_file = path.with_suffix(".name")
    name = name_file.read_text(encoding="utf-8") if name_file.is_file() else "upload"
    return StagedUpload(token=token, name=name, path=path)


def run(staged: StagedUpload, *, dry_run: bool) -> ImportReport:
    """Parse the staged file and call the import service (ImportFileError if unreadable)."""
    rows, problems = parse_contract_file(staged.path.read_bytes(), staged.name)
    return import_contracts(rows, problems=problems, dry_run=dry_run)


def discard(staged: StagedUpload | None) -> None:
    if staged is not None:
        staged.path.unlink(missing_ok=True)
        staged.path.with_suffix(".name").unlink(missing_ok=True)


__all__ = ["ContractUploadForm", "ImportFileError", "StagedUpload", "discard", "find", "run"]
