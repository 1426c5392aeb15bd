"""One module per schema revision; each is history and is never edited once released."""
