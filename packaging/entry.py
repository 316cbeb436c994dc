"""The bundle's entry point."""

import sys

from lectern.desktop.app import main

if __name__ == "__main__":
    sys.exit(main())
