"""Contract lists uploaded in admin: checked by their content before they are staged.

The accepted file waits for staff's confirmation in a ContractImport row (list_imports), never
served by a URL; the import rule stays in services.import_contracts.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from .importing import is_xlsx

MAX_BYTES = 5 * 1024 * 1024
_TEXT_SAMPLE = 64 * 1024


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
