"""The Discord adapter: slash commands, persistent buttons, modals, gig cards and
threads on community boards, and notifications as DMs, all rendered from bot/'s
neutral model. ``service.DiscordService`` is what ``gigbroker run`` starts."""
