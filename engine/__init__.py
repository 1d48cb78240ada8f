"""hallmark's engine: standards model → compiler → durable_rules runner → report."""
