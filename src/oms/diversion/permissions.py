PERMISSIONS: dict[str, str] = {}
