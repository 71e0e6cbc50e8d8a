from gdviz.cli import main

raise SystemExit(main())
