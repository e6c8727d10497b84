"""The pure upload rules: allowlist, magic bytes matching the extension, safe display names."""

import pytest

from oms.incidents.rules import uploads

from .conftest import JPEG, PDF, PNG


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        ("photo.png", PNG, "image/png"),
        ("PHOTO.PNG", PNG, "image/png"),
        ("photo.jpg", JPEG, "image/jpeg"),
        ("photo.jpeg", JPEG, "image/jpeg"),
        ("statement.pdf", PDF, "application/pdf"),
        ("notes.txt", "Wing A, 09:00 – all quiet".encode(), "text/plain"),
        ("photo.png", JPEG, None),  # a JPEG renamed .png
        ("statement.pdf", PNG, None),
        ("notes.txt", b"MZ\x90\x00\x03\x00", None),  # a binary with a text name
        ("notes.txt", b"\xff\xfe\xfa", None),  # not UTF-8
        ("run.exe", b"MZ\x90\x00", None),
        ("page.html", b"<html>", None),
        ("image.svg", b"<svg", None),
        ("noextension", PNG, None),
        (".png", PNG, None),
        ("photo.png", b"", None),
    ],
)
def test_content_type_needs_allowed_extension_and_matching_bytes(name, head, expected):
    assert uploads.content_type_for(name, head) == expected


def test_text_cut_inside_a_multibyte_character_is_still_text():
    assert uploads.content_type_for("a.txt", "é".encode() * 10 + "é".encode()[:1]) == "text/plain"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("/var/lib/x.png", "x.png"),
        ("evil\x00.png", "evil.png"),
        ('a"b\r\nSet-Cookie: x.png', "abSet-Cookie: x.png"),
        ("..", "attachment"),
        ("", "attachment"),
        ("   ", "attachment"),
    ],
)
def test_display_name_is_safe(raw, shown):
    assert uploads.display_name(raw) == shown


def test_long_name_is_cut_keeping_the_extension():
    shown = uploads.display_name("a" * 5000 + ".pdf")
    assert len(shown) == uploads.DISPLAY_NAME_MAX and shown.endswith(".pdf")


def test_extension_comes_from_the_last_component():
    assert uploads.extension_of("x.png/../evil.exe") == ".exe"
    assert not uploads.extension_allowed("photo.png.exe")
    assert uploads.extension_allowed("photo.exe.png")


def test_size_label():
    assert uploads.size_label(10 * 1024 * 1024) == "10 MB"
    assert uploads.size_label(1024) == "1 KB"
