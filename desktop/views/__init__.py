"""Widgets that show the library: the table, detail pane, note editor, sidebar, dialogs."""
