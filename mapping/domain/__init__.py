"""The vocabulary, the file schema, input limits and the Dataset."""
