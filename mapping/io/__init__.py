"""Files in and out: reading, validation, geography, writing, the demo district."""
