"""What the benchmarks share: their PostgreSQL databases (``pg``)."""
