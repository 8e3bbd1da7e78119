"""Analysis: exact statistics (held on a date, series, breakdowns) and their charts."""
