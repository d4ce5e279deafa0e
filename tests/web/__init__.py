"""The Flask app's pages and JSON API through its test client, and Debian's chromium."""
