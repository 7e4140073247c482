"""Real-browser tests (Playwright + Debian Chromium) against a real app server."""
