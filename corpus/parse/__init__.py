"""One module per source format; `parse_source` picks the right one."""
