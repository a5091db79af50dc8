"""The demo's data: the sample job search, and the name tables generated contacts are drawn from."""
