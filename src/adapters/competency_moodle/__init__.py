"""competency-core's Moodle adapter (work in progress: client and emulator first)."""
