"""What every app shares and that imports no app: settings helpers, hashed secrets,
HTTP Basic parsing. The bottom layer, beside `protocols`: nothing here imports
`affectweb` code outside this package."""
