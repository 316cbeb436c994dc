"""What the window does: paper actions, import/export, the command registry."""
