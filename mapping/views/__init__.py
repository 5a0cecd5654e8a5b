"""Pictures of the analysis: palette, layout, network and map pages."""
