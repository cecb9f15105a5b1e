"""``python -m bot.texts extract|init LANG|update|compile|check`` (see bot.texts.catalogues)."""
from bot.texts.catalogues import main

raise SystemExit(main())
