"""The Discord adapter: slash commands, persistent buttons, modals, gig cards and
threads on community boards, and notifications as DMs, all rendered from bot/'s
neutral model. ``service.DiscordService`` is what ``gigbroker run`` starts.

Inbound, by what comes in (``intake.InteractionIntake`` hands each to its module):
``command_intake`` (slash commands, defined in ``slash``), ``press_intake``
(buttons, defined in ``components``), ``modal_intake`` (modal submissions,
defined in ``modals``), ``message_intake`` (files in a gig thread, DMs); what
they share is in ``answering``. ``client`` is the discord.py client that carries
the intake. Outbound: ``adapter``, ``respond``, ``render``, ``files``, ``store``,
``pacing``."""
