"""Running the application in production: health check, backup and restore."""
