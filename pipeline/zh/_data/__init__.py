"""Generated and hand-kept reference data of the core; pure Python, no I/O."""
