"""Reading an uploaded CSV file's bytes as text, for every import (locations, offences, ...)."""


def decode_csv_bytes(data: bytes, max_bytes: int) -> str:
    """Text of an uploaded file: UTF-8, with or without the byte-order mark spreadsheets add. Raises
    ValueError with a plain sentence otherwise."""
    if len(data) > max_bytes:
        raise ValueError(f"The file is too large: the limit is {max_bytes // 1_000_000} MB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(
            f"The file is not UTF-8 text (unreadable byte at position {error.start}): save it as CSV UTF-8"
        ) from None
    if "\x00" in text:
        raise ValueError("The file contains NUL characters: it is not a CSV text file")
    return text
