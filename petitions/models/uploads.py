"""Where uploaded photos (paper sheets, deliveries) are stored: private, under random names."""

import uuid

# Pillow's name for each photo format accepted -> the extension its file is stored with.
PHOTO_EXTENSIONS = {
    "JPEG": "jpg",
    "MPO": "jpg",
    "PNG": "png",
    "WEBP": "webp",
    "HEIC": "heic",
    "HEIF": "heif",
}


def private_upload_path(instance, filename):
    # Random names under a private folder: never guessable, never served by a public URL. The
    # extension is the one the form derived from the content (forms.clean_photo), never the
    # uploader's: anything else is stored as .bin.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix not in PHOTO_EXTENSIONS.values():
        suffix = "bin"
    return f"private/{instance._meta.model_name}/{uuid.uuid4().hex}.{suffix}"
