"""Indicators: readings by month, targets against figures, CSV import, the 766 view."""
