"""Evidence uploads (security.md FILE-1): which files are accepted, and a safe display name.

Pure: no Django, no I/O. The service streams the bytes and asks these functions.
"""

from __future__ import annotations

import unicodedata

# extension -> (content type, signatures the file must start with)
ALLOWED_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".txt": ("text/plain", ()),  # no signature: checked to be UTF-8 text without NULs instead
}

# Enough of the file's start to check every signature and sample a text file.
HEAD_BYTES = 4096
DISPLAY_NAME_MAX = 200
ALLOWED_LABEL = "JPEG, PNG, PDF or plain text (.txt)"


def extension_of(filename: str) -> str:
    """The lower-case extension of the last path component, with its dot, or ''."""
    name = display_name(filename)
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def extension_allowed(filename: str) -> bool:
    return extension_of(filename) in ALLOWED_TYPES


def content_type_for(filename: str, head: bytes) -> str | None:
    """The content type when the extension is allowed and the first bytes match it, else None (a
    renamed executable or a PNG called .pdf is refused)."""
    allowed = ALLOWED_TYPES.get(extension_of(filename))
    if allowed is None or not head:
        return None
    content_type, signatures = allowed
    if signatures:
        return content_type if any(head.startswith(sig) for sig in signatures) else None
    return content_type if _looks_like_text(head) else None


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # The sample may end inside a multi-byte character: only a truncated last character is forgiven.
        return error.reason == "unexpected end of data" and error.start >= len(head) - 3
    return True


def display_name(filename: str) -> str:
    """The uploaded name made safe to show and to put in a Content-Disposition header: only the last
    path component, no control characters (NUL, CR, LF), no quotes, at most ``DISPLAY_NAME_MAX``
    characters keeping the extension. Never used as a path: files are stored under generated names."""
    name = (filename or "").replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C" and ch not in '"')
    name = unicodedata.normalize("NFC", name).strip().strip(".").strip()
    if len(name) > DISPLAY_NAME_MAX:
        dot = name.rfind(".")
        extension = name[dot:] if 0 < dot and len(name) - dot <= 10 else ""
        name = name[: DISPLAY_NAME_MAX - len(extension)] + extension
    return name or "attachment"


def too_large(received: int, limit: int) -> bool:
    return received > limit


def size_label(limit: int) -> str:
    """'10 MB' for a limit in bytes (whole megabytes, as the form's error says)."""
    megabytes = limit / (1024 * 1024)
    return f"{megabytes:g} MB" if megabytes >= 1 else f"{max(1, limit // 1024)} KB"
