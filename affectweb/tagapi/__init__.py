"""The Clarifai v1 tag API, served at /engine/clarifai/ with the local tagger."""
