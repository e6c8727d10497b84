"""The benchmark suite (performance.md B1-B10): each benchmark pairs OMS's path with the raw library
on the same data in the same run and writes JSON results. May import every app."""
