"""Records: writing and reading them, cases and their forms, the timeline, search, duplicate
matching and the resolver, vocabularies, guarded reads and masking."""
