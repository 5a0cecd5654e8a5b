"""Reading and writing files of other tools and formats."""
