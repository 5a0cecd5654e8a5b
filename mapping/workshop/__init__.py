"""What the workshop and join pages compute."""
