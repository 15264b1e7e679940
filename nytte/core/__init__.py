"""Cross-cutting building blocks every feature uses: settings, the clock, time."""
