"""One function per use case; the CLI, API and web call these and stay thin."""
