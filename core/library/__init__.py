"""The library facade the front end and the CLI talk to."""
