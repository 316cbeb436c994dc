"""The library file: database, migrations, backups, undo, atomic writes, the lock, paths and config."""
