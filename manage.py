#!/usr/bin/env python
from agencyaccess.cli import main

if __name__ == "__main__":
    main()
