"""Running the window's work: the writer thread, workers, signals across threads, one instance per library."""
