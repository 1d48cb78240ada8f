from hallmark.cli import main

raise SystemExit(main())
