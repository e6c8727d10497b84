import pytest

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"x" * 64


@pytest.fixture(autouse=True)
def attachments_dir(settings, tmp_path):
    folder = tmp_path / "attachments"
    settings.INCIDENT_ATTACHMENTS_DIR = folder
    settings.INCIDENT_ATTACHMENT_MAX_BYTES = 1024
    settings.INCIDENT_ATTACHMENT_SCANNER = ""
    return folder


def files_in(folder):
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []
