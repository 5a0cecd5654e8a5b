"""Views: what the analysis looks like on paper and on screen (PDF report, renderers)."""
