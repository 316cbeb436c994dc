"""The bundle's entry point."""

import sys

if __name__ == "__main__":
    if sys.argv[1:2] == ["--fulltext-worker"]:  # the PDF text reader's own process (core/fulltext/extractor.py)
        from lectern.core.fulltext.worker import main as worker_main

        sys.exit(worker_main())
    from lectern.desktop.app import main

    sys.exit(main())
