"""Spanish catalogue: English message id -> Spanish text.

Neutral Spanish for Latin America and Spain, addressing the user as "tú".
Entries follow the order of the source, one group per file; {placeholders},
emoji, command names and key=value examples are kept exactly as in English.
Terms: gig = trabajo, slot = plaza, claim = encargo (to claim = tomar),
revision = cambios, escrow = garantía, payout = cobro, board = tablero.
tests/unit/test_catalogue.py checks every message id has an entry here."""
MESSAGES: dict[str, str] = {
    # --- forms and buttons (issue 12: bot/forms.py, bot/cards.py, bot/commands/work.py,
    # gigs.py, buttons.py, bot/renderers/claims.py, bot/notifications.py) ---
    "skip": "omitir",
    "Optional: send skip (or -) to leave it out.":
        "Opcional: envía omitir (o -) para dejarlo en blanco.",
    "Send your work in one message: text with any links, and files (documents and photos).":
        "Envía tu trabajo en un solo mensaje: texto con los enlaces que haya, y archivos "
        "(documentos y fotos).",
    "Delivered claim #{claim} on gig #{gig}. The client has been asked to review it.":
        "Entregado el encargo #{claim} del trabajo #{gig}. Se pidió al cliente que lo revise.",
    "You have {n} claims this can be for; which one?":
        "Tienes {n} encargos a los que puede referirse; ¿cuál?",
    "claim #{claim} on gig #{gig}: {title}": "encargo #{claim} del trabajo #{gig}: {title}",
    "Add the claim number, e.g. /{command} {claim} …":
        "Añade el número del encargo, p. ej. /{command} {claim} …",
    "Deliver claim #{claim}": "Entregar encargo #{claim}",
    "Dispute claim #{claim}": "Disputar encargo #{claim}",
    "Sent back: revision {n} of {max} for {claim}.":
        "Devuelto: cambios {n} de {max} para el {claim}.",
    "claim #{claim} on gig #{gig}": "encargo #{claim} del trabajo #{gig}",
    "Delivery for gig #{gig}: {title}": "Entrega para el trabajo #{gig}: {title}",
    "From {name} · {claim} · revision {n}": "De {name} · {claim} · cambios {n}",
    "✅ Slot {n} is yours: {claim}. Deliver by {t} with /deliver {c}.":
        "✅ La plaza {n} es tuya: {claim}. Entrega antes del {t} con /deliver {c}.",
    "Approved. {amount} for {claim} is released to the freelancer. Rate their work:":
        "Aprobado. Se liberan {amount} del {claim} al freelancer. Valora su trabajo:",
    "You withdrew from {claim}; the slot is open again.":
        "Dejaste el {claim}; la plaza vuelve a estar libre.",
    "Accepted on gig #{gig}: they have the slot now.":
        "Aceptado en el trabajo #{gig}: ya tiene la plaza.",
    "Declined on gig #{gig}.": "Rechazado en el trabajo #{gig}.",
    "{name} claimed a slot of {title}: {claim}.": "{name} tomó una plaza de {title}: {claim}.",
    "You got the job: {title}.": "Te dieron el trabajo: {title}.",
    "Slot {n} is yours: {claim}. Deliver by {t} with /deliver {c}.":
        "La plaza {n} es tuya: {claim}. Entrega antes del {t} con /deliver {c}.",
    "The client asks for a revision of {claim} ({title}):":
        "El cliente pide cambios en el {claim} ({title}):",
    "No answer from you in time, so {claim} ({title}) was approved automatically; {amount} "
    "went to the freelancer.":
        "No respondiste a tiempo, así que el {claim} ({title}) se aprobó automáticamente; "
        "{amount} fueron al freelancer.",
    "The dispute window of {claim} ({title}) closed without a dispute; the rejection stands.":
        "El plazo para disputar el {claim} ({title}) terminó sin disputa; el rechazo se mantiene.",
    "Claim #{c} on gig #{g} ({title}) passed its deadline without a delivery; the slot is "
    "open again.":
        "El encargo #{c} del trabajo #{g} ({title}) pasó su plazo sin entrega; la plaza vuelve "
        "a estar libre.",
    "The freelancer withdrew from {claim} ({title}); the slot is open again.":
        "El freelancer dejó el {claim} ({title}); la plaza vuelve a estar libre.",
    "Reminder: {claim} ({title}) is due {t}.": "Recordatorio: el {claim} ({title}) vence el {t}.",
    "Reminder: the delivery for {claim} ({title}) is approved automatically on {t} unless "
    "you act.":
        "Recordatorio: la entrega del {claim} ({title}) se aprueba automáticamente el {t} si "
        "no haces nada.",
    "Nothing delivered yet for {claim}.": "Aún no hay nada entregado para el {claim}.",
    "{name} applied to gig #{gig}:": "{name} se postuló al trabajo #{gig}:",
    "gig #{gig} {title}": "trabajo #{gig} {title}",
    "Who gets a slot": "Quién obtiene una plaza",
    "claim: first come, first served (default); apply: you pick among applicants.":
        "claim: por orden de llegada (por defecto); apply: tú eliges entre candidatos.",
    "Revisions": "Cambios",
    "How many times may you ask for changes? 0 to 10 (default 2)":
        "¿Cuántas veces puedes pedir cambios? De 0 a 10 (por defecto 2)",
    "Time to review": "Tiempo para revisar",
    "How long do you have to review a delivery before it is approved automatically? e.g. 3d "
    "(default 72h)":
        "¿Cuánto tiempo tienes para revisar una entrega antes de que se apruebe "
        "automáticamente? p. ej. 3d (por defecto 72h)",
    "Estimate (minutes)": "Estimación (minutos)",
    "About how many minutes does one slot take? Boards with a fair-pay floor need it, e.g. 30":
        "¿Cuántos minutos lleva más o menos una plaza? Los tableros con pago mínimo justo lo "
        "necesitan, p. ej. 30",
    # --- end of forms and buttons ---
    # bot/cards.py
    "per slot": "por plaza",
    "{open} of {total} slots open": "{open} de {total} plazas libres",
    "test money": "dinero de prueba",
    "deliver within {d}": "entrega en {d}",
    "client picks applicants": "el cliente elige entre candidatos",
    "Board: {name}": "Tablero: {name}",
    "members only": "solo miembros",
    "Posted by {name}": "Publicado por {name}",
    "Status: {status}": "Estado: {status}",
    "listed until {t}": "publicado hasta el {t}",
    "Apply": "Solicitar",
    "Claim": "Tomar",
    "Details": "Detalles",
    "Pay {total} (test money)": "Pagar {total} (dinero de prueba)",
    "Pay {total}": "Pagar {total}",
    "Cancel gig": "Cancelar trabajo",
    "due {t}": "vence el {t}",
    "auto-approves {t}": "aprobación automática el {t}",
    "dispute by {t}": "disputa posible hasta el {t}",
    "claim": "encargo",
    "slot": "plaza",
    "Approve": "Aprobar",
    "Request revision": "Pedir cambios",
    "Reject": "Rechazar",

    # bot/commands/account.py
    "Your freelancer profile": "Tu perfil de freelancer",
    "Skills": "Habilidades",
    "Which skills do you offer? Comma-separated, e.g. design, svg, translation.":
        "¿Qué habilidades ofreces? Separadas por comas, p. ej. design, svg, translation.",
    "Minimum reward": "Recompensa mínima",
    "The smallest reward per gig you want to hear about, e.g. 10 usd (0 for any).":
        "La recompensa más baja por trabajo que te interesa, p. ej. 10 usd (0 para cualquiera).",
    "Time zone": "Zona horaria",
    "Your time zone, e.g. Europe/Berlin or UTC.":
        "Tu zona horaria, p. ej. Europe/Madrid, America/Mexico_City o UTC.",
    "Working hours": "Horario de trabajo",
    "When may I send you new gigs? Local hours like 9-17, or 'any'.":
        "¿Cuándo puedo enviarte trabajos nuevos? Horas locales como 9-17, o 'any' (a cualquier "
        "hora).",
    "Profile saved. Send /gigs to see work that fits you, or /post to hire someone.":
        "Perfil guardado. Envía /gigs para ver trabajos a tu medida, o /post para contratar a "
        "alguien.",
    "Start here: set up your profile or open a gig":
        "Empieza aquí: configura tu perfil o abre un trabajo",
    "deep-link code, e.g. gig_42": "código de enlace directo, p. ej. gig_42",
    "Welcome to gigbroker, {name}!": "¡Te damos la bienvenida a gigbroker, {name}!",
    "Clients post small paid tasks; the money is held safely until the work is approved. "
    "Freelancers claim, deliver in chat and get paid.":
        "Los clientes publican pequeñas tareas pagadas; el dinero queda retenido de forma segura "
        "hasta que se aprueba el trabajo. Los freelancers toman una tarea, la entregan en el "
        "chat y cobran.",
    "Send /gigs to find work or /post to hire.":
        "Envía /gigs para buscar trabajo o /post para contratar.",
    "Show what I can do, or how one command works":
        "Ver lo que puedo hacer o cómo funciona un comando",
    "a command name, e.g. post": "el nombre de un comando, p. ej. post",
    "There is no /{name}.": "No existe /{name}.",
    "Usage:": "Uso:",
    "Commands": "Comandos",
    "Send /help post (or any command) for details.":
        "Envía /help post (o cualquier otro comando) para ver los detalles.",
    "Profile of {name}": "Perfil de {name}",
    "Skills: {skills}": "Habilidades: {skills}",
    "Minimum reward: {amount}": "Recompensa mínima: {amount}",
    "Reputation: {score}/100 · {n} approved · {r}":
        "Reputación: {score}/100 · {n} aprobados · {r}",
    "no ratings yet": "sin valoraciones aún",
    "Change a field with /profile skills=design,svg hours=9-17 timezone=Europe/Berlin "
    "min_reward=10":
        "Cambia un campo con /profile skills=design,svg hours=9-17 timezone=Europe/Berlin "
        "min_reward=10",
    "See or change your freelancer profile": "Ver o cambiar tu perfil de freelancer",
    "Saved.": "Guardado.",
    "Language, notifications and claim limit": "Idioma, avisos y límite de encargos",
    "Settings are: {names}.": "Los ajustes son: {names}.",
    "Settings": "Ajustes",
    "Language: {v}": "Idioma: {v}",
    "New gig notifications: {v}": "Avisos de trabajos nuevos: {v}",
    "on": "sí",
    "off": "no",
    "Max live claims: {v}": "Máximo de encargos en curso: {v}",
    "Change with /settings locale=es notify=off max_claims=2":
        "Cámbialos con /settings locale=es notify=off max_claims=2",
    "Join your Telegram and Discord accounts with a one-time code":
        "Vincular tus cuentas de Telegram y Discord con un código de un solo uso",
    "the code you got on your other account": "el código que recibiste en tu otra cuenta",
    "Your one-time code: ": "Tu código de un solo uso: ",
    "On your other account send /link {code} within {m} minutes.":
        "En tu otra cuenta, envía /link {code} en los próximos {m} minutos.",
    "Linked: this account is now {name}.": "Vinculada: esta cuenta ahora es {name}.",
    "Leave the form you are filling in": "Salir del formulario que estás completando",
    "Cancelled. Nothing was saved.": "Cancelado. No se guardó nada.",
    "There is nothing to cancel. To cancel a gig, open it with /gig ID.":
        "No hay nada que cancelar. Para cancelar un trabajo, ábrelo con /gig ID.",

    # bot/commands/boards.py
    "Use this in the group or server channel that should hold the gig board.":
        "Usa esto en el grupo o canal del servidor que tendrá el tablero de trabajos.",
    "Admins: make this chat the community's gig board":
        "Admins: convertir este chat en el tablero de trabajos de la comunidad",
    "public, or members (only members can claim)":
        "public, o members (solo los miembros pueden tomar trabajos)",
    "the role whose members moderate (Discord)": "el rol cuyos miembros moderan (Discord)",
    "platform fee override in basis points (500 = 5%)":
        "comisión propia de la plataforma en puntos básicos (500 = 5%)",
    "This chat is now the gig board of {name}.":
        "Este chat es ahora el tablero de trabajos de {name}.",
    "Visibility: {v}": "Visibilidad: {v}",
    "public": "pública",
    "Members post with /post here; new gigs appear as cards with a Claim (or Apply) button.":
        "Los miembros publican aquí con /post; los trabajos nuevos aparecen como tarjetas con un "
        "botón Tomar (o Solicitar).",
    "I don't know {who} yet: they must have used the bot once.":
        "Aún no conozco a {who}: tiene que haber usado el bot al menos una vez.",
    "Moderators: ban a member from this board":
        "Moderadores: expulsar a un miembro de este tablero",
    "@username or user id": "@usuario o ID de usuario",
    "why": "motivo",
    "{name} can no longer post or claim on this board.":
        "{name} ya no puede publicar ni tomar trabajos en este tablero.",

    # bot/commands/buttons.py
    "This button is not valid any more.": "Este botón ya no es válido.",
    "Paid. Gig #{id} is live and matching freelancers are being notified.":
        "Pagado. El trabajo #{id} está publicado y estamos avisando a los freelancers que "
        "encajan.",
    "Pay securely with the button below. The gig opens as soon as the payment is confirmed.":
        "Paga de forma segura con el botón de abajo. El trabajo se abre en cuanto se confirme el "
        "pago.",
    "Pay now": "Pagar ahora",
    "Gig #{id} is cancelled. Unclaimed slots are refunded; live claims run to their end.":
        "El trabajo #{id} está cancelado. Las plazas libres se reembolsan; los encargos en curso "
        "siguen hasta terminar.",
    "Thanks! Rated {stars}★.": "¡Gracias! Valoración: {stars}★.",

    # bot/commands/gigs.py
    "Post a gig": "Publicar un trabajo",
    "Title": "Título",
    "What needs doing? A short title, e.g. Logo in SVG.":
        "¿Qué hay que hacer? Un título corto, p. ej. Logo en SVG.",
    "Description": "Descripción",
    "Describe the task: what you give, what you expect back.":
        "Describe la tarea: qué aportas y qué esperas recibir.",
    "Reward per slot": "Recompensa por plaza",
    "Reward per slot with currency, e.g. 25 usd.":
        "Recompensa por plaza con la moneda, p. ej. 25 usd.",
    "Slots or items": "Plazas o elementos",
    "How many people should do it? (1 if just one.) For a queue of different items, send "
    "them one per line, or a CSV file with one row per item.":
        "¿Cuántas personas deberían hacerlo? (1 si solo una.) Para una cola de elementos "
        "distintos, envíalos uno por línea, o un archivo CSV con una fila por elemento.",
    "Skills needed, comma-separated (e.g. design, svg).":
        "Habilidades necesarias, separadas por comas (p. ej. design, svg).",
    "Time to deliver": "Plazo de entrega",
    "How long may a freelancer take after claiming? e.g. 2d, 36h (default 24h)":
        "¿Cuánto tiempo tiene un freelancer tras tomarlo? p. ej. 2d, 36h (por defecto 24h)",
    "Preview. Rewards {rewards} + fee {fee} = {total} in escrow.":
        "Vista previa. Recompensas {rewards} + comisión {fee} = {total} en garantía.",
    "The money is held until you approve the work; unclaimed slots are refunded.":
        "El dinero queda retenido hasta que apruebes el trabajo; las plazas no tomadas se "
        "reembolsan.",
    "Post a paid gig (guided, or in one line with key=value)":
        "Publicar un trabajo pagado (guiado, o en una línea con key=value)",
    "There is no gig #{gig_id}.": "No existe el trabajo #{gig_id}.",
    "{n} application(s) waiting: see /mygigs": "Solicitudes pendientes: {n}. Míralas en /mygigs",
    "Review claim #{id}": "Revisar encargo #{id}",
    "Deliver": "Entregar",
    "Withdraw": "Retirarme",
    "Dispute": "Disputar",
    "Open one gig by its number": "Abrir un trabajo por su número",
    "the gig number, e.g. 42": "el número del trabajo, p. ej. 42",
    "No open gigs for {skill} right now.": "Ahora mismo no hay trabajos abiertos de {skill}.",
    "No open gigs right now. I'll message you when one fits your profile.":
        "Ahora mismo no hay trabajos abiertos. Te escribiré cuando haya uno que encaje con tu "
        "perfil.",
    "Gigs for you ({a}-{b} of {n})": "Trabajos para ti ({a}-{b} de {n})",
    "Previous": "Anterior",
    "Next": "Siguiente",
    "More gigs:": "Más trabajos:",
    "Open gigs ranked for you; filter by a skill":
        "Trabajos abiertos ordenados para ti; filtra por habilidad",
    "only gigs needing this skill": "solo trabajos que piden esta habilidad",
    "page number": "número de página",
    "Your gigs as a client and your claims as a freelancer":
        "Tus trabajos como cliente y tus encargos como freelancer",
    "As a client": "Como cliente",
    "You have not posted a gig yet: /post": "Aún no has publicado ningún trabajo: /post",
    "{n} open": "{n} libres",
    "Accept": "Aceptar",
    "Decline": "Rechazar",
    "As a freelancer": "Como freelancer",
    "No claims yet: /gigs": "Aún no tienes encargos: /gigs",

    # bot/commands/money.py
    "Your money: held in escrow, earned, pending and paid out":
        "Tu dinero: en garantía, ganado, pendiente y cobrado",
    "Wallet": "Billetera",
    "Nothing yet. Post a gig with /post or find work with /gigs.":
        "Nada todavía. Publica un trabajo con /post o busca trabajo con /gigs.",
    "Held in escrow for your gigs: {v}": "En garantía para tus trabajos: {v}",
    "Refunds on the way to you: {v}": "Reembolsos en camino: {v}",
    "Earned, not yet paid out: {v}": "Ganado, aún sin cobrar: {v}",
    "…of which waiting for your payout setup: {v}":
        "…de eso, a la espera de que configures tus cobros: {v}",
    "Payouts pending: {v}": "Cobros pendientes: {v}",
    "Paid out: {v}": "Cobrado: {v}",
    "Set up payouts with /payout to receive your earnings.":
        "Configura tus cobros con /payout para recibir tus ganancias.",
    "Set up or check where your earnings are paid":
        "Configurar o revisar dónde cobras tus ganancias",
    "Payouts are on. Approved earnings are sent to you automatically.":
        "Los cobros están activados. Las ganancias aprobadas se te envían automáticamente.",
    "(Sandbox: test money, paid at once.)": "(Sandbox: dinero de prueba, pagado al instante.)",
    "Finish your payout setup with our payment provider. The link works for a few minutes; send "
    "/payout again for a fresh one.":
        "Termina de configurar tus cobros con nuestro proveedor de pagos. El enlace funciona "
        "unos minutos; envía /payout de nuevo para obtener otro.",
    "Set up payouts": "Configurar cobros",

    # bot/commands/receipts.py
    "Payment": "Pago",
    "Payout": "Cobro",
    "Refund": "Reembolso",
    "Your receipts for payments, payouts and refunds, as PDF":
        "Tus recibos de pagos, cobros y reembolsos, en PDF",
    "the receipt number, e.g. 12": "el número del recibo, p. ej. 12",
    "No receipts yet. You get one for every payment, payout and refund.":
        "Aún no tienes recibos. Recibirás uno por cada pago, cobro y reembolso.",
    "Your receipts": "Tus recibos",
    "Send /receipt NUMBER to get one as a PDF, e.g. /receipt {n}.":
        "Envía /receipt NÚMERO para recibir uno en PDF, p. ej. /receipt {n}.",
    "You have no receipt #{n}. Send /receipt to see yours.":
        "No tienes ningún recibo #{n}. Envía /receipt para ver los tuyos.",
    "Receipt #{n}: {kind} of {amount} for gig #{gig}.":
        "Recibo #{n}: {kind} de {amount} por el trabajo #{gig}.",

    # bot/commands/work.py
    "Deliver your work": "Entrega tu trabajo",
    "Your delivery": "Tu entrega",
    "Request a revision": "Pedir cambios",
    "What should change?": "¿Qué hay que cambiar?",
    "What should the freelancer change?": "¿Qué debe cambiar el freelancer?",
    "Reject the delivery": "Rechazar la entrega",
    "Why do you reject it?": "¿Por qué la rechazas?",
    "Why do you reject it? The freelancer may dispute, and a moderator will read this.":
        "¿Por qué la rechazas? El freelancer puede abrir una disputa, y un moderador leerá esto.",
    "Dispute the rejection": "Disputar el rechazo",
    "Why is the rejection wrong?": "¿Por qué el rechazo es incorrecto?",
    "Why is the rejection wrong? A moderator will decide.":
        "¿Por qué el rechazo es incorrecto? Un moderador decidirá.",
    "Apply for this gig": "Solicitar este trabajo",
    "Your pitch": "Tu propuesta",
    "Why are you a good fit?": "¿Por qué encajas bien?",
    "Rejected. If the freelancer does not dispute in time, that slot is refunded to you.":
        "Rechazado. Si el freelancer no abre una disputa a tiempo, se te reembolsa esa plaza.",
    "Dispute opened. A moderator will decide how to split the reward.":
        "Disputa abierta. Un moderador decidirá cómo repartir la recompensa.",
    "Applied. The client will pick; I'll tell you.":
        "Solicitud enviada. El cliente elegirá; te avisaré.",
    "You have no claim to do that with. Find work with /gigs.":
        "No tienes ningún encargo para hacer eso. Busca trabajo con /gigs.",
    "Deliver work for your claim (text, links or files)":
        "Entregar el trabajo de tu encargo (texto, enlaces o archivos)",
    "claim number (optional if you have only one)":
        "número de encargo (opcional si solo tienes uno)",
    "your delivery message": "tu mensaje de entrega",
    "Dispute a rejected delivery": "Disputar una entrega rechazada",
    "claim number": "número de encargo",
    "why the rejection is wrong": "por qué el rechazo es incorrecto",
    "Rate the other side of a finished claim (1-5 stars)":
        "Valorar a la otra parte de un encargo terminado (1-5 estrellas)",
    "1 to 5": "de 1 a 5",
    "a short comment": "un comentario breve",
    "Moderators: settle a dispute by splitting the reward":
        "Moderadores: resolver una disputa repartiendo la recompensa",
    "the freelancer's share, e.g. 12.50 (the rest is refunded)":
        "la parte del freelancer, p. ej. 12.50 (el resto se reembolsa)",
    "a note for both sides": "una nota para ambas partes",
    "Resolved: {f} to the freelancer, {c} back to the client.":
        "Resuelto: {f} para el freelancer, {c} de vuelta al cliente.",

    # bot/forms.py
    "Send /cancel to stop.": "Envía /cancel para salir.",
    "That form no longer exists. Start again with /help.":
        "Ese formulario ya no existe. Empieza de nuevo con /help.",
    "Please type an answer.": "Escribe una respuesta, por favor.",
    "That is {n} characters; the limit here is {limit}.":
        "Son {n} caracteres; aquí el límite es {limit}.",
    "Choose one of: {choices}.": "Elige una opción: {choices}.",

    # bot/notifications.py
    "Your gig {title} is live. I'll tell you when someone claims a slot.":
        "Tu trabajo {title} está publicado. Te avisaré cuando alguien tome una plaza.",
    "New gig for you": "Nuevo trabajo para ti",
    "{name} applied to {title}.": "{name} envió una solicitud para {title}.",
    "You got the job: {title}. Check /mygigs for your deadline.":
        "Te eligieron para {title}. Consulta tu plazo en /mygigs.",
    "The client picked someone else for {title}.":
        "El cliente eligió a otra persona para {title}.",
    "Deliver again by {t}. Revisions left: {n}.":
        "Vuelve a entregar antes del {t}. Rondas de cambios restantes: {n}.",
    "Your delivery for {title} was approved: {amount} released to you.":
        "Tu entrega para {title} fue aprobada: se te liberaron {amount}.",
    "No answer from the client in time, so {title} was approved automatically: {amount} released "
    "to you.":
        "El cliente no respondió a tiempo, así que {title} se aprobó automáticamente: se te "
        "liberaron {amount}.",
    "The client rejected your delivery for {title}:":
        "El cliente rechazó tu entrega para {title}:",
    "If you disagree, dispute by {t}; otherwise the slot is refunded.":
        "Si no estás de acuerdo, abre una disputa antes del {t}; si no, la plaza se reembolsa.",
    "The rejected slot of {title} was refunded ({amount}).":
        "Se reembolsó la plaza rechazada de {title} ({amount}).",
    "A dispute was opened on claim #{c} of {title}.":
        "Se abrió una disputa sobre el encargo #{c} de {title}.",
    "See the delivery": "Ver la entrega",
    "The dispute on claim #{c} of {title} was settled: {f} to the freelancer, {cl} back to the "
    "client.":
        "Se resolvió la disputa del encargo #{c} de {title}: {f} para el freelancer, {cl} de "
        "vuelta al cliente.",
    "{title} is {status}.": "{title}: {status}.",
    "{n} unclaimed slot(s) refunded: {amount}.": "Plazas sin tomar reembolsadas: {n} ({amount}).",
    "{n} live claim(s) continue to their end.":
        "Encargos en curso que siguen hasta terminar: {n}.",
    "Your payment for {title} arrived after the gig was closed, so all of it ({amount}) is being "
    "refunded.":
        "Tu pago para {title} llegó cuando el trabajo ya estaba cerrado, así que te reembolsamos "
        "todo ({amount}).",
    "All slots of {title} are done. Thanks!":
        "Todas las plazas de {title} están terminadas. ¡Gracias!",
    "Payout sent: {amount} for {title}.": "Cobro enviado: {amount} por {title}.",
    "Refund sent: {amount} for {title}.": "Reembolso enviado: {amount} por {title}.",
    "Payouts are set up: {n} held payment(s) are on their way.":
        "Tus cobros están configurados. Pagos retenidos en camino: {n}.",
    "A payout of {amount} could not be sent: {reason}. Run /payout to check your payout account.":
        "No se pudo enviar un cobro de {amount}: {reason}. Usa /payout para revisar tu cuenta de "
        "cobro.",
    "You got {stars}★ for {title}.": "Recibiste {stars}★ por {title}.",
    "A moderator banned you from a gig board.":
        "Un moderador te expulsó de un tablero de trabajos.",

    # bot/receipts.py
    "Rewards: {n} x {amount}": "Recompensas: {n} x {amount}",
    "Platform fee: {n} x {amount}": "Comisión de la plataforma: {n} x {amount}",
    "Paid after the gig closed: refunded in full":
        "Pagado tras cerrarse el trabajo: reembolso total",
    "Reward for claim #{c} (slot {n})": "Recompensa del encargo #{c} (plaza {n})",
    "Reward": "Recompensa",
    "Fee deducted from you (the client pays the platform fee)":
        "Comisión que se te descuenta (la comisión de la plataforma la paga el cliente)",
    "Refund of unclaimed slots (gig cancelled)":
        "Reembolso de plazas no tomadas (trabajo cancelado)",
    "Refund of unclaimed slots (listing expired)":
        "Reembolso de plazas no tomadas (publicación vencida)",
    "Refund of a rejected slot": "Reembolso de una plaza rechazada",
    "Refund of your share after a dispute": "Reembolso de tu parte tras una disputa",
    "Refund of a slot freed after the listing closed":
        "Reembolso de una plaza liberada tras cerrarse la publicación",
    "Payment receipt": "Recibo de pago",
    "Payout receipt": "Recibo de cobro",
    "Refund receipt": "Recibo de reembolso",
    "TEST MONEY - not a real payment": "DINERO DE PRUEBA - no es un pago real",
    "Date: {t}": "Fecha: {t}",
    "{platform}, held in escrow": "{platform}, retenido en garantía",
    "{platform}, for {client}": "{platform}, en nombre de {client}",
    "Paid by: {name}": "Pagado por: {name}",
    "Paid to: {name}": "Pagado a: {name}",
    "Gig #{id}: {title}": "Trabajo #{id}: {title}",
    "Payment reference: {ref}": "Referencia de pago: {ref}",
    "Total": "Total",
    "The rewards are held until you approve the work; unclaimed slots are refunded with their "
    "share of the fee.":
        "Las recompensas quedan retenidas hasta que apruebes el trabajo; las plazas no tomadas "
        "se reembolsan con su parte de la comisión.",
    "Paid out through our payment provider to your payout account.":
        "Pagado a través de nuestro proveedor de pagos a tu cuenta de cobro.",
    "Refunds reach your card or account within 5-10 business days.":
        "Los reembolsos llegan a tu tarjeta o cuenta en un plazo de 5 a 10 días hábiles.",

    # bot/service.py
    "No slot left": "No quedan plazas",
    "Not allowed": "No permitido",
    "Too late": "Demasiado tarde",
    "Not found": "No encontrado",
    "Please check your input": "Revisa lo que escribiste",
    "Already yours": "Ya es tuya",
    "Claim limit reached": "Límite de encargos alcanzado",
    "Banned": "Acceso bloqueado",
    "Payment problem": "Problema con el pago",
    "I don't know /{name}. Send /help to see what I can do.":
        "No conozco /{name}. Envía /help para ver lo que puedo hacer.",
    "Send /help to see what I can do, or /gigs to find work.":
        "Envía /help para ver lo que puedo hacer, o /gigs para buscar trabajo.",
    "That form is no longer available. Please start again.":
        "Ese formulario ya no está disponible. Empieza de nuevo, por favor.",
    "Sorry, something went wrong on our side. Reference: {ref}":
        "Lo sentimos, algo falló de nuestro lado. Referencia: {ref}",

    # adapters/discord/adapter.py
    "Questions about this gig go here. Claimants: press Deliver on your claim (or run /gig "
    "deliver), then post your files in this thread.":
        "Las preguntas sobre este trabajo van aquí. Si tomaste una plaza: pulsa Entregar en tu "
        "encargo (o usa /gig deliver) y luego sube tus archivos a este hilo.",

    # adapters/discord/respond.py
    "(step {n} of {total})": "(paso {n} de {total})",
    "Continue": "Continuar",
    "Open the form": "Abrir el formulario",

    # adapters/discord/router.py
    "This form has expired. Please start again.":
        "Este formulario venció. Empieza de nuevo, por favor.",
    "You have a form open: {title}. Continue it, or send /gig cancel.":
        "Tienes un formulario abierto: {title}. Continúalo o envía /gig cancel.",
    "To deliver these files for claim #{claim}, press Deliver on your claim (or run /gig "
    "deliver), then post them here again; or attach them to /gig deliver.":
        "Para entregar estos archivos del encargo #{claim}, pulsa Entregar en tu encargo (o usa "
        "/gig deliver) y vuelve a publicarlos aquí; o adjúntalos a /gig deliver.",

    "I cannot post gig cards in {channel} yet. Give me these permissions there: {missing}.":
        "Todavía no puedo publicar tarjetas de trabajos en {channel}. Dame estos permisos allí: "
        "{missing}.",

    # adapters/discord/slash.py
    "Paid gigs: post, claim, deliver and get paid":
        "Trabajos pagados: publica, toma, entrega y cobra",
    "What needs doing, e.g. Logo in SVG": "Qué hay que hacer, p. ej. Logo en SVG",
    "Reward per slot, e.g. 25 or 12.50": "Recompensa por plaza, p. ej. 25 o 12.50",
    "Currency, e.g. usd (default usd)": "Moneda, p. ej. usd (por defecto usd)",
    "How many people should do it (default 1)":
        "Cuántas personas deberían hacerlo (por defecto 1)",
    "Skills needed, comma-separated": "Habilidades necesarias, separadas por comas",
    "Time to deliver after claiming, e.g. 2d or 36h":
        "Plazo de entrega tras tomarlo, p. ej. 2d o 36h",
    "claim: first come; apply: you pick among applicants":
        "claim: por orden de llegada; apply: eliges entre los candidatos",
    "The task in detail": "La tarea en detalle",
    "Other options as key=value, e.g. review_window=2d":
        "Otras opciones como key=value, p. ej. review_window=2d",
    "Skills you offer, comma-separated": "Habilidades que ofreces, separadas por comas",
    "Smallest reward you want to hear about, e.g. 10":
        "Recompensa más baja que te interesa, p. ej. 10",
    "Currency of the minimum reward": "Moneda de la recompensa mínima",
    "Your time zone, e.g. Europe/Berlin": "Tu zona horaria, p. ej. Europe/Madrid",
    "Working hours, e.g. 9-17 or any": "Horario de trabajo, p. ej. 9-17 o any",
    "A short bio": "Una breve biografía",
    "Links to your work": "Enlaces a tus trabajos",
    "Other fields as key=value": "Otros campos como key=value",
    "Language": "Idioma",
    "Messages about new gigs": "Avisos de trabajos nuevos",
    "How many claims you hold at once": "Cuántos encargos puedes tener a la vez",
    "The channel for gig cards (default: this one)":
        "El canal para las tarjetas de trabajos (por defecto, este)",
    "A file with your work": "Un archivo con tu trabajo",
    "Options as key=value": "Opciones como key=value",

    # adapters/telegram/handlers.py
    "Sorry, something went wrong on our side.": "Lo sentimos, algo falló de nuestro lado.",
    "Hi! I'm a gig broker.": "¡Hola! Soy un intermediario de trabajos freelance.",
    "An admin of this chat can make it a gig board with /board; then anyone here can post a paid "
    "gig with /post, and new gigs appear as cards with a Claim button.":
        "Un admin de este chat puede convertirlo en un tablero de trabajos con /board; después, "
        "cualquiera aquí puede publicar un trabajo pagado con /post, y los trabajos nuevos "
        "aparecen como tarjetas con un botón Tomar.",

    # adapters/telegram/routing.py
    "{name}, I sent you a private message.": "{name}, te envié un mensaje privado.",
    "I can only answer you in a private chat. Tap the button, press Start, then try again there.":
        "Solo puedo responderte en un chat privado. Toca el botón, pulsa Iniciar y vuelve a "
        "intentarlo allí.",
    "Open a private chat": "Abrir un chat privado",

    # core.domain.records.GigStatus: gig states, shown via _(status.replace('_', ' '))
    "draft": "borrador",
    "awaiting funding": "pendiente de pago",
    "open": "abierto",
    "completed": "completado",
    "cancelled": "cancelado",
    "expired": "vencido",

    # core.domain.records.ClaimStatus: claim states, shown via _(status.replace('_', ' '))
    "active": "activo",
    "delivered": "entregado",
    "revision requested": "cambios pedidos",
    "approved": "aprobado",
    "auto approved": "aprobado automáticamente",
    "rejected": "rechazado",
    "disputed": "en disputa",
    "resolved": "resuelto",
    "refunded": "reembolsado",
    "withdrawn": "retirado",
    "abandoned": "abandonado",

    # bot/notifications.py (payment provider events)
    "Your payout account can't receive money right now. Earnings stay safe in your wallet; run /payout to finish the setup.":
        "Tu cuenta de cobro no puede recibir dinero ahora mismo. Tus ganancias siguen seguras "
        "en tu billetera; usa /payout para terminar la configuración.",
    "Staff: a payout of {amount} for {title} was reversed at the payment provider and is held as unallocated.":
        "Equipo: un cobro de {amount} de {title} fue revertido en el proveedor de pagos y queda "
        "sin asignar.",
    "A payout of {amount} for {title} was reversed by the payment provider. Our staff will contact you.":
        "El proveedor de pagos revirtió un cobro de {amount} de {title}. Nuestro equipo te "
        "contactará.",
    "A refund of {amount} for {title} was made by the payment provider.":
        "El proveedor de pagos hizo un reembolso de {amount} de {title}.",
    "Staff: a refund of {amount} for {title} made outside gigbroker exceeds the unclaimed slots and needs a decision.":
        "Equipo: un reembolso de {amount} de {title} hecho fuera de gigbroker supera las plazas "
        "libres y requiere una decisión.",
    "Staff: a chargeback of {amount} on {title}; the client owes {owed}.":
        "Equipo: un contracargo de {amount} en {title}; el cliente debe {owed}.",
    "Staff: a payment of {amount} for {title} could not be matched and is held as unallocated: {reason}":
        "Equipo: un pago de {amount} de {title} no se pudo asociar y queda sin asignar: {reason}",

    # --- typed input: amounts, quotes, hours, settings (core/domain/money.py,
    # --- core/domain/gig_input.py, bot/commands/account.py) ---
    "{value} is not an amount I can read. Write the {name} like {example} or {grouped}.":
        "No entiendo el importe {value}. Escribe el campo {name} como {example} o {grouped}.",
    "{sign} is not {currency}: write the {name} in {currency}, like {example}, or set the currency.":
        "{sign} no es {currency}: escribe el campo {name} en {currency}, como {example}, o "
        "indica la moneda.",
    "I can't tell whether {text} means {whole} or {decimal}. {currency} has no decimals: write {whole}.":
        "No sé si {text} significa {whole} o {decimal}. {currency} no tiene decimales: "
        "escribe {whole}.",
    "{currency} has {exp} decimal places, so I can't tell whether {text} means {whole} or {decimal}. Write {whole}, or {exp} decimals like {example}.":
        "{currency} tiene {exp} decimales, así que no sé si {text} significa {whole} o "
        "{decimal}. Escribe {whole}, o {exp} decimales como {example}.",
    "The {name} must be an amount such as {example}.":
        "El campo {name} debe ser un importe como {example}.",
    "The {name} must be a finite number, like {example}.":
        "El campo {name} debe ser un número finito, como {example}.",
    "Write the {name} with plain digits, like {example}: {value} is not read as a number here.":
        "Escribe el campo {name} solo con cifras, como {example}: aquí {value} no se lee como "
        "un número.",
    "The {name} cannot be negative.": "El campo {name} no puede ser negativo.",
    "{currency} has no decimal places; write the {name} like {example}.":
        "{currency} no tiene decimales; escribe el campo {name} como {example}.",
    "Working hours are whole hours, like 9-17.":
        "El horario va en horas enteras, como 9-17.",
    "{name} is on or off, not {value}.": "{name} es on u off, no {value}.",
    "Unknown language {value}. Languages: {languages}.":
        "Idioma desconocido: {value}. Idiomas: {languages}.",
    "I read {typed} as {hours}. For hours past midnight use the 24-hour clock, e.g. 21-5.":
        "Entendí {typed} como {hours}. Para un horario que pasa de medianoche usa el formato "
        "de 24 horas, p. ej. 21-5.",
    "Working hours {hours}: overnight, past midnight.":
        "Horario de trabajo {hours}: nocturno, pasa de medianoche.",
    "any time": "a cualquier hora",
    "(overnight)": "(nocturno)",
    "Time zone: {tz}, working hours {hours}": "Zona horaria: {tz}, horario de trabajo {hours}",
    # --- end of typed input ---

    # -- refusals: templates of domain errors (core.domain.errors.DomainError and subclasses),
    # -- translated by bot.service.error_reply; one group per file that raises them
    # bot/commands/work.py
    "This form lost its claim; open the gig again.":
        "Este formulario perdió su encargo; vuelve a abrir el trabajo.",
    # bot/notifications.py
    "Only the client, the freelancer and moderators can see deliveries.":
        "Solo el cliente, el freelancer y los moderadores pueden ver las entregas.",
    # bot/registry.py
    "That is too long ({length} characters).": "Es demasiado largo ({length} caracteres).",
    'A quote is not closed. Put values with spaces in double quotes: title="Logo in SVG".':
        "Hay unas comillas sin cerrar. Pon los valores con espacios entre comillas dobles: "
        'title="Logo in SVG".',
    "/{command} has no option {key}. Options: {options}.":
        "/{command} no tiene la opción {key}. Opciones: {options}.",
    "/{command} does not take {token}. Usage: {usage}":
        "/{command} no acepta {token}. Uso: {usage}",
    "/{command} needs {name}. Usage: {usage}": "/{command} necesita {name}. Uso: {usage}",
    "{name} must be a number, like 42.": "{name} debe ser un número, como 42.",
    "{name} must be between {minimum} and {maximum}.":
        "{name} debe estar entre {minimum} y {maximum}.",
    "{name} is one of: {choices}.": "{name} puede ser: {choices}.",
    # adapters/sandbox/provider.py
    "Keys for idempotent requests can only be used with the same parameters they were first used with.":
        "Las claves de solicitudes idempotentes solo se pueden usar con los mismos parámetros "
        "con los que se usaron la primera vez.",
    # adapters/stripe/checkout.py
    "Payments in {currency} are not available with our payment provider yet. Please post the gig in another currency.":
        "Los pagos en {currency} aún no están disponibles con nuestro proveedor de pagos. "
        "Publica el trabajo en otra moneda.",
    # adapters/stripe/errors.py
    "Payments are not configured correctly right now. The team has been told; please try again later.":
        "Los pagos no están bien configurados en este momento. Ya avisamos al equipo; "
        "inténtalo de nuevo más tarde.",
    "The payment service did not answer. Please try again in a minute.":
        "El servicio de pagos no respondió. Inténtalo de nuevo en un minuto.",
    # adapters/stripe/provider.py
    "No payout account is set up yet.": "Todavía no hay una cuenta de cobro configurada.",
    "There is no payment to refund for this gig.": "No hay ningún pago que reembolsar en este trabajo.",
    # core/drafts.py
    "The {name} needs at least {min_len} characters.":
        "El campo {name} necesita al menos {min_len} caracteres.",
    "The {name} is {length} characters long; the limit is {max_len}.":
        "El campo {name} tiene {length} caracteres; el límite es {max_len}.",
    "At most {max_skills} skills, please.": "Como máximo {max_skills} habilidades, por favor.",
    "Write the {name} like 90m, 36h, 2d or 1w.":
        "Escribe el campo {name} como 90m, 36h, 2d o 1w.",
    "The {name} must be between {minimum} and {maximum}.":
        "El campo {name} debe estar entre {minimum} y {maximum}.",
    "The {name} must be a whole number.": "El campo {name} debe ser un número entero.",
    "Unknown field {unknown}. Known fields: {known}.":
        "Campo desconocido: {unknown}. Campos válidos: {known}.",
    "The {name} is required.": "El campo {name} es obligatorio.",
    "The reward must be more than zero and at most {maximum} {currency} per slot.":
        "La recompensa debe ser mayor que cero y como máximo {maximum} {currency} por plaza.",
    "The mode is 'claim' (first come) or 'apply' (you pick among applicants).":
        "El modo es 'claim' (por orden de llegada) o 'apply' (tú eliges entre los candidatos).",
    "The {name} must be a duration.": "El campo {name} debe ser una duración.",
    # core/engine.py
    "Only the client who posted this gig can pay for it.":
        "Solo el cliente que publicó este trabajo puede pagarlo.",
    "Gig #{gig_id} is {state}; there is nothing to pay.":
        "El trabajo #{gig_id} está en estado «{state}»; no hay nada que pagar.",
    # core/lifecycle/claims.py
    "Unknown user #{user_id}.": "Usuario #{user_id} desconocido.",
    "Your account cannot take gigs. Contact support if this is a mistake.":
        "Tu cuenta no puede tomar trabajos. Contacta con soporte si es un error.",
    "This is your own gig; you cannot take it.": "Este trabajo es tuyo; no puedes tomarlo.",
    "Gig #{gig_id} is {state}, not open.":
        "El trabajo #{gig_id} está en estado «{state}», no abierto.",
    "You are banned from {community}.": "Estás expulsado de {community}.",
    "Gig #{gig_id} is for members of {community} only.":
        "El trabajo #{gig_id} es solo para miembros de {community}.",
    "You cannot take gigs from this client.": "No puedes tomar trabajos de este cliente.",
    "You already hold a slot on gig #{gig_id}.": "Ya tienes una plaza en el trabajo #{gig_id}.",
    "You hold {count} live claim, your limit is {cap}. Deliver or withdraw one first. New freelancers start with one at a time.":
        "Tienes {count} encargo en curso y tu límite es {cap}. Entrega o abandona uno primero. "
        "Los freelancers nuevos empiezan con uno a la vez.",
    "You hold {count} live claims, your limit is {cap}. Deliver or withdraw one first. New freelancers start with one at a time.":
        "Tienes {count} encargos en curso y tu límite es {cap}. Entrega o abandona uno primero. "
        "Los freelancers nuevos empiezan con uno a la vez.",
    "You hold {count} live claim, your limit is {cap}. Deliver or withdraw one first.":
        "Tienes {count} encargo en curso y tu límite es {cap}. Entrega o abandona uno primero.",
    "You hold {count} live claims, your limit is {cap}. Deliver or withdraw one first.":
        "Tienes {count} encargos en curso y tu límite es {cap}. Entrega o abandona uno primero.",
    "No slot left on gig #{gig_id}: all {slots} are taken.":
        "No quedan plazas en el trabajo #{gig_id}: ya están ocupadas todas ({slots}).",
    "Gig #{gig_id} takes applications: press Apply and the client will pick.":
        "El trabajo #{gig_id} recibe solicitudes: pulsa Solicitar y el cliente elegirá.",
    "Gig #{gig_id} is first come, first served: press Claim.":
        "El trabajo #{gig_id} es por orden de llegada: pulsa Tomar.",
    "No slot left on gig #{gig_id}.": "No quedan plazas en el trabajo #{gig_id}.",
    "You already applied to gig #{gig_id}.": "Ya solicitaste el trabajo #{gig_id}.",
    "Your application to gig #{gig_id} was {state}.":
        "Tu solicitud al trabajo #{gig_id} quedó en estado «{state}».",
    "There is no application #{application_id}.": "No existe la solicitud #{application_id}.",
    "Only the client who posted this gig picks applicants.":
        "Solo el cliente que publicó este trabajo elige a los candidatos.",
    "That application was already {state}.": "Esa solicitud ya estaba en estado «{state}».",
    "Only the client who posted this gig can do that.":
        "Solo el cliente que publicó este trabajo puede hacer eso.",
    "Only the freelancer who claimed this slot can do that.":
        "Solo el freelancer que tomó esta plaza puede hacer eso.",
    "Claim #{claim_id} is {state}; it cannot be {doing} now.":
        "El encargo #{claim_id} está en estado «{state}»; ahora no se puede hacer esto ({doing}).",
    "At most {max_links} links and {max_files} files.":
        "Como máximo {max_links} enlaces y {max_files} archivos.",
    "{url} is not a web link (http:// or https://).":
        "{url} no es un enlace web (http:// o https://).",
    "The links are too long together (at most {max_chars} characters); share a folder link instead.":
        "Los enlaces juntos son demasiado largos (máximo {max_chars} caracteres); comparte "
        "mejor el enlace a una carpeta.",
    "A delivery needs some text, a link or a file.":
        "Una entrega necesita algo de texto, un enlace o un archivo.",
    "All {max_revisions} revisions are used; approve or reject this delivery.":
        "Ya se usaron las {max_revisions} rondas de cambios; aprueba o rechaza esta entrega.",
    "Say briefly why you reject the delivery: the freelancer and a moderator will read it.":
        "Di brevemente por qué rechazas la entrega: lo leerán el freelancer y un moderador.",
    # core/lifecycle/disputes.py
    "Only the freelancer whose delivery was rejected can dispute it.":
        "Solo el freelancer cuya entrega fue rechazada puede disputarla.",
    "Tell the moderator briefly why the rejection is wrong.":
        "Explica brevemente al moderador por qué el rechazo es injusto.",
    "Only a moderator of this board can resolve disputes.":
        "Solo un moderador de este tablero puede resolver disputas.",
    "You are a party to this dispute; another moderator must resolve it.":
        "Eres parte de esta disputa; debe resolverla otro moderador.",
    "The freelancer's share must be between 0 and the reward.":
        "La parte del freelancer debe estar entre 0 y la recompensa.",
    "Only the client and the freelancer of this slot can rate it.":
        "Solo el cliente y el freelancer de esta plaza pueden valorarla.",
    "You can rate once the work is approved or the dispute resolved.":
        "Podrás valorar cuando el trabajo esté aprobado o la disputa resuelta.",
    "Give 1 to 5 stars.": "Da de 1 a 5 estrellas.",
    "You already rated this.": "Ya valoraste esto.",
    # core/lifecycle/gigs.py
    "Your account cannot post gigs. Contact support if this is a mistake.":
        "Tu cuenta no puede publicar trabajos. Contacta con soporte si es un error.",
    "Your account is on hold after a payment was charged back. Contact support to settle it before posting new gigs.":
        "Tu cuenta está en pausa por un contracargo de un pago. Contacta con soporte para "
        "resolverlo antes de publicar trabajos nuevos.",
    "That gig is too large to fund at once. Lower the reward or the number of slots.":
        "Ese trabajo es demasiado grande para pagarlo de una vez. Baja la recompensa o el "
        "número de plazas.",
    "{community} asks for an estimate in minutes (estimate=30) to check its fair-pay floor.":
        "{community} pide una estimación en minutos (estimate=30) para comprobar su pago "
        "mínimo justo.",
    "That pays below {community}'s fair-pay floor. Raise the reward or lower the estimate.":
        "Eso paga menos que el pago mínimo justo de {community}. Sube la recompensa o baja "
        "la estimación.",
    "That payment does not belong to any gig.": "Ese pago no corresponde a ningún trabajo.",
    "The payment ({amount} {currency}) does not match gig #{gig_id} ({total} {gig_currency}).":
        "El pago ({amount} {currency}) no coincide con el trabajo #{gig_id} "
        "({total} {gig_currency}).",
    "Only the client who posted this gig or a moderator can cancel it.":
        "Solo el cliente que publicó este trabajo o un moderador pueden cancelarlo.",
    "Gig #{gig_id} is already {status}.":
        "El trabajo #{gig_id} ya está en estado «{status}».",
    # core/lifecycle/tx.py
    "There is no claim #{claim_id}.": "No existe el encargo #{claim_id}.",
    # core/money.py
    "Unknown currency {code}. Use a 3-letter code such as USD or EUR.":
        "Moneda desconocida: {code}. Usa un código de 3 letras como USD o EUR.",
    "The {name} must be more than zero.": "El campo {name} debe ser mayor que cero.",
    "The {name} is too large: at most {maximum} {currency} per slot.":
        "El campo {name} es demasiado grande: como máximo {maximum} {currency} por plaza.",
    "{currency} has {exp} decimal places; {text} has more.":
        "{currency} tiene {exp} decimales; {text} tiene más.",
    # core/people.py
    "Unknown profile field {key}. Fields: skills, min_reward, currency, timezone, hours, max_claims, bio, portfolio, notify, locale.":
        "Campo de perfil desconocido: {key}. Campos: skills, min_reward, currency, timezone, "
        "hours, max_claims, bio, portfolio, notify, locale.",
    "Unknown time zone {tz}. Use a name like Europe/Berlin, America/New_York or UTC.":
        "Zona horaria desconocida: {tz}. Usa un nombre como Europe/Berlin, America/New_York "
        "o UTC.",
    "Write working hours like 9-17 (local time) or 'any'.":
        "Escribe el horario como 9-17 (hora local) o 'any'.",
    "Start and end hour must differ.": "La hora de inicio y la de fin deben ser distintas.",
    "That code is unknown, used or expired. Run /link on your other account to get a fresh one.":
        "Ese código no existe, ya se usó o caducó. Usa /link en tu otra cuenta para obtener "
        "uno nuevo.",
    "That code belongs to this same account.": "Ese código es de esta misma cuenta.",
    "This account already has gigs or claims, so it cannot be merged. Run /link here and enter the code on your other account instead.":
        "Esta cuenta ya tiene trabajos o encargos, así que no se puede fusionar. Usa /link "
        "aquí e introduce el código en tu otra cuenta.",
    "Unknown community.": "Comunidad desconocida.",
    "Only an admin of this chat or server can set up its gig board.":
        "Solo un administrador de este chat o servidor puede configurar su tablero de trabajos.",
    "Visibility is 'public' or 'members'.": "La visibilidad es 'public' o 'members'.",
    "Only moderators of this board can ban members.":
        "Solo los moderadores de este tablero pueden expulsar a miembros.",
    "You cannot ban yourself.": "No puedes expulsarte a ti mismo.",
    "You cannot block yourself.": "No puedes bloquearte a ti mismo.",
    # --- boards, applications, disputes, membership (issue 12: core/lifecycle/people.py,
    # disputes, slots, bot/commands/boards.py, bot/renderers/moderation.py) ---
    "This account is banned or on hold, so it cannot be merged into another one. Run /link here and enter the code on your other account instead.":
        "Esta cuenta está expulsada o en espera, así que no se puede fusionar con otra. Usa "
        "/link aquí e introduce el código en tu otra cuenta.",
    "hours a dispute waits for a moderator before the stated split applies":
        "horas que una disputa espera a un moderador antes de aplicar el reparto anunciado",
    "If nobody decides by {t}, it is settled automatically: {f} to the freelancer, {c} back to the client.":
        "Si nadie decide antes del {t}, se resuelve automáticamente: {f} para el freelancer y "
        "{c} de vuelta al cliente.",
    "Client: {client} · Freelancer: {freelancer} · Reward: {amount}":
        "Cliente: {client} · Freelancer: {freelancer} · Recompensa: {amount}",
    "Timeline": "Cronología",
    "{t} claimed (slot {n})": "{t} tomó el encargo (plaza {n})",
    "{t} delivered revision {n}:": "{t} entregó la versión {n}:",
    "{t} the client asked for changes:": "{t} el cliente pidió cambios:",
    "{t} rejected:": "{t} rechazado:",
    "{t} disputed:": "{t} disputado:",
    "No moderator of this board can decide it, so it comes to you as platform staff.":
        "Ningún moderador de este tablero puede decidirla, así que te llega como personal de "
        "la plataforma.",
    "A moderator will decide how to split the reward.":
        "Un moderador decidirá cómo repartir la recompensa.",
    "If nobody decides by {t}, it is settled automatically: {f} to you, {c} back to the client.":
        "Si nadie decide antes del {t}, se resuelve automáticamente: {f} para ti y {c} de "
        "vuelta al cliente.",
    "Nobody decided the dispute on claim #{c} of {title} in time, so the rule stated when it opened applies: {f} to the freelancer, {cl} back to the client.":
        "Nadie decidió a tiempo la disputa del encargo #{c} de {title}, así que se aplica la "
        "regla anunciada al abrirla: {f} para el freelancer y {cl} de vuelta al cliente.",
    "Claim #{claim_id} has no dispute.": "El encargo #{claim_id} no tiene disputa.",
    "Only moderators and the two parties can read a dispute.":
        "Solo los moderadores y las dos partes pueden leer una disputa.",
    "Reputation {score}/100 · {n} approved · {r}":
        "Reputación {score}/100 · {n} aprobados · {r}",
    "Pitch:": "Propuesta:",
    "waiting for the client": "esperando al cliente",
    "not picked": "no elegido",
    "closed: the gig took nobody else": "cerrada: el trabajo no admitió a nadie más",
    "Your applications": "Tus solicitudes",
    "All slots of {title} are taken, so your application is closed.":
        "Todas las plazas de {title} están ocupadas, así que tu solicitud se cerró.",
    "{title} is no longer open, so your application is closed.":
        "{title} ya no está abierto, así que tu solicitud se cerró.",
    "Find more work with /gigs.": "Encuentra más trabajo con /gigs.",
    "From a private chat with me, post here with /post board={number} title=... reward=...":
        "Desde un chat privado conmigo, publica aquí con /post board={number} title=... "
        "reward=...",
    "There is no gig board {board}. Its number is shown by /board in the board's chat; use /post board=NUMBER.":
        "No hay ningún tablero de trabajos {board}. Su número lo muestra /board en el chat "
        "del tablero; usa /post board=NUMBER.",
    "Several boards are called {board}: use the number of the one you mean ({numbers}).":
        "Varios tableros se llaman {board}: usa el número del que quieres ({numbers}).",
    "{community} is for its members only.": "{community} es solo para sus miembros.",
    "notify is on or off, or all for every new gig (on: those needing your skills), not {value}.":
        "notify es on u off, o all para todos los trabajos nuevos (on: los que piden tus "
        "habilidades), no {value}.",
    # --- end boards, applications, disputes, membership ---
    # core/queries.py
    "Unknown user.": "Usuario desconocido.",
    # --- flood gate (bot/flood_gate.py) ---
    "You are sending messages faster than I can answer them. Wait a few seconds, "
    "then send the last one again: the ones sent in between were not read.":
        "Estás enviando mensajes más rápido de lo que puedo responder. Espera unos "
        "segundos y vuelve a enviar el último: los enviados entretanto no se leyeron.",
    # --- pictures and exports (bot/charts, bot/commands/reports.py, core/engine/reports.py) ---
    "Earnings per week": "Ganancias por semana",
    "Last {n} weeks · {currency}": "Últimas {n} semanas · {currency}",
    "Total: {amount}": "Total: {amount}",
    "Last 4 weeks: {amount}": "Últimas 4 semanas: {amount}",
    "Last 4 weeks: {amount} ({change} vs the 4 weeks before)":
        "Últimas 4 semanas: {amount} ({change} frente a las 4 anteriores)",
    "Paid out": "Cobrado",
    "Waiting": "Pendiente",
    "Last {n} days, {start} to {end}": "Últimos {n} días, del {start} al {end}",
    "gigs posted": "trabajos publicados",
    "slots filled": "plazas tomadas",
    "median time to claim": "mediana hasta tomarse",
    "median time to approval": "mediana hasta aprobarse",
    "paid out": "pagado",
    "disputes": "disputas",
    "Gigs posted": "Trabajos publicados",
    "Slots filled": "Plazas tomadas",
    "Top skills asked for": "Habilidades más pedidas",
    "No gigs posted yet.": "Aún no se ha publicado ningún trabajo.",
    "light or dark picture": "imagen clara u oscura",
    "Use this in the group or server channel of the board.":
        "Usa esto en el grupo o canal del servidor del tablero.",
    "Also earned in {currencies}: add currency=CODE to see them.":
        "También ganaste en {currencies}: añade currency=CODE para verlas.",
    "{name}: last {n} days": "{name}: últimos {n} días",
    "Gigs posted: {n} · slots filled: {m}": "Trabajos publicados: {n} · plazas tomadas: {m}",
    "Median time to claim: {a} · to approval: {b}":
        "Mediana hasta tomarse: {a} · hasta aprobarse: {b}",
    "Paid out: {amount} · disputes: {n}": "Pagado: {amount} · disputas: {n}",
    "Top skills: {skills}": "Habilidades más pedidas: {skills}",
    "Moderators: this board's last 30 days as a picture":
        "Moderadores: los últimos 30 días de este tablero en una imagen",
    "Payment for the gig, held in escrow": "Pago del trabajo, en garantía",
    "Payment returned": "Pago devuelto",
    "Earned for claim #{c}": "Ganado por el encargo #{c}",
    "Released to the freelancer of claim #{c}": "Liberado al freelancer del encargo #{c}",
    "Refund on its way to the client": "Reembolso en camino al cliente",
    "Refund sent to your card or account": "Reembolso enviado a tu tarjeta o cuenta",
    "Payout sent to your account": "Cobro enviado a tu cuenta",
    "Ledger entry: {kind}": "Asiento contable: {kind}",
    "Your ledger lines as a CSV file for bookkeeping":
        "Tus movimientos contables en un archivo CSV para tu contabilidad",
    "mine (default), or board (moderators, in the board's chat)":
        "mine (por defecto), o board (moderadores, en el chat del tablero)",
    "No ledger lines yet: they appear with your first payment or earning.":
        "Aún no hay movimientos: aparecen con tu primer pago o ganancia.",
    "Ledger lines: {n}. The balance is what is held for you after each line.":
        "Movimientos: {n}. El saldo es lo que se guarda para ti tras cada movimiento.",
    "Ledger lines of the board: {n}. The balance is what is held in escrow on the board after each line.":
        "Movimientos del tablero: {n}. El saldo es lo que queda en garantía en el tablero tras "
        "cada movimiento.",
    "Only the newest {n} lines are in the file.":
        "El archivo solo contiene los {n} movimientos más recientes.",
    "Only moderators of this board can see its figures.":
        "Solo los moderadores de este tablero pueden ver sus cifras.",
    "which currency the earnings chart shows, e.g. eur":
        "qué moneda muestra el gráfico de ganancias, p. ej. eur",
    "on or off: post a summary to the board every Monday":
        "on u off: publicar un resumen en el tablero cada lunes",
    "Weekly summary on: the first is posted to the board on {t}.":
        "Resumen semanal activado: el primero se publica en el tablero el {t}.",
    "Weekly summary off.": "Resumen semanal desactivado.",
    "Weekly summary: next on {t}. Turn it off with /stats weekly=off.":
        "Resumen semanal: el próximo el {t}. Desactívalo con /stats weekly=off.",
    "Post this to the board every Monday: /stats weekly=on.":
        "Publica esto en el tablero cada lunes: /stats weekly=on.",
    "Weekly summary": "Resumen semanal",
    "Only moderators of this board can turn its weekly summary on or off.":
        "Solo los moderadores de este tablero pueden activar o desactivar su resumen semanal.",
    "This community has no gig board yet: an admin sends /board in the chat that should hold it.":
        "Esta comunidad aún no tiene tablero de trabajos: un administrador envía /board en el "
        "chat que debe alojarlo.",
    # --- end of pictures and exports ---
    # --- a live gig managed by its client, rate cards (bot/commands/manage.py, rates.py,
    # bot/renderers/gig_changes.py, core/lifecycle/gig_changes.py, gig_repeats.py) ---
    "Edit": "Editar",
    "Add a slot": "Añadir una plaza",
    "Post again": "Publicar de nuevo",
    "+1 day for #{id}": "+1 día para #{id}",
    "Tip #{id}": "Propina #{id}",
    "Edit the gig": "Editar el trabajo",
    "The new title (send - to keep it).": "El nuevo título (envía - para mantenerlo).",
    "The new description (send - to keep it).":
        "La nueva descripción (envía - para mantenerla).",
    "Tip the freelancer": "Dar propina al freelancer",
    "Tip amount": "Importe de la propina",
    "How much do you want to tip? e.g. 5": "¿Cuánto quieres dar de propina? p. ej. 5",
    "Gig #{id} is updated; its cards show the new text.":
        "El trabajo #{id} está actualizado; sus tarjetas muestran el texto nuevo.",
    "Edit your gig's title or description while nobody has claimed it":
        "Edita el título o la descripción de tu trabajo mientras nadie lo haya tomado",
    "the gig number": "el número del trabajo",
    "the new title": "el nuevo título",
    "the new description": "la nueva descripción",
    "Paid {amount}: {n} more slot(s) are open on gig #{id}.":
        "Pagado {amount}: hay {n} plaza(s) más libres en el trabajo #{id}.",
    "Paid {amount}: your tip is on its way to the freelancer of claim #{claim}.":
        "Pagado {amount}: tu propina va de camino al freelancer del encargo #{claim}.",
    "Pay {amount} with the button below. Nothing changes until the payment is confirmed.":
        "Paga {amount} con el botón de abajo. Nada cambia hasta que se confirme el pago.",
    "Add slots to your open gig, paying for them": "Añade plazas a tu trabajo abierto, pagándolas",
    "how many slots to add": "cuántas plazas añadir",
    "Tip the freelancer of an approved claim": "Da propina al freelancer de un encargo aprobado",
    "the tip, in the gig's currency, e.g. 5": "la propina, en la moneda del trabajo, p. ej. 5",
    "Claim #{id} is now due {t}. The freelancer has been told.":
        "El encargo #{id} vence ahora el {t}. Se lo hemos dicho al freelancer.",
    "Give a freelancer more time on their claim": "Da más tiempo a un freelancer en su encargo",
    "how much longer, e.g. 1d or 12h": "cuánto tiempo más, p. ej. 1d o 12h",
    "Gig #{new} is a copy of #{old}. Pay for it to open it.":
        "El trabajo #{new} es una copia de #{old}. Págalo para abrirlo.",
    "Post a finished gig again, now or every N days":
        "Publica de nuevo un trabajo terminado, ahora o cada N días",
    "repeat every N days (off to stop)": "repetir cada N días (off para parar)",
    "Gig #{id} no longer repeats.": "El trabajo #{id} ya no se repite.",
    "Gig #{id} will be posted again every {n} day(s), first on {t}. Each copy waits for your payment. Stop with /repost {id} every=off.":
        "El trabajo #{id} se publicará de nuevo cada {n} día(s), la primera vez el {t}. Cada "
        "copia espera tu pago. Páralo con /repost {id} every=off.",
    "This form lost its gig; open the gig again.":
        "Este formulario perdió su trabajo; abre el trabajo de nuevo.",
    "Write every=7 to repeat every 7 days, or every=off.":
        "Escribe every=7 para repetir cada 7 días, o every=off.",
    "on this board": "en este tablero",
    "on public boards": "en tableros públicos",
    "{n} completed gigs from {clients} clients {where}.":
        "{n} trabajos completados de {clients} clientes {where}.",
    "Reward per slot: {low} to {high}, median {median}.":
        "Pago por plaza: de {low} a {high}, mediana {median}.",
    "Per estimated hour: {low} to {high}, median {median}.":
        "Por hora estimada: de {low} a {high}, mediana {median}.",
    "What gigs with a skill paid: median and typical range":
        "Lo que pagaron los trabajos con una habilidad: mediana y rango típico",
    "a skill, e.g. design": "una habilidad, p. ej. design",
    "Not enough completed gigs with {skill} yet to show fair rates (at least {gigs} from {clients} different clients).":
        "Aún no hay suficientes trabajos completados con {skill} para mostrar tarifas justas "
        "(hacen falta al menos {gigs} de {clients} clientes distintos).",
    "Rate card": "Tarifas",
    "middle half of the gigs, so no one person's price":
        "la mitad central de los trabajos, nunca el precio de una sola persona",
    "Gigs like this paid {low} to {high}, median {median}.":
        "Trabajos como este pagaron de {low} a {high}, mediana {median}.",
    "Your reward is below what three in four similar gigs paid ({low}); fewer freelancers may take it.":
        "Tu pago está por debajo de lo que pagaron tres de cada cuatro trabajos parecidos "
        "({low}); menos freelancers podrían tomarlo.",
    "For your estimate that is below what three in four similar gigs paid per hour ({low}).":
        "Para tu estimación, eso está por debajo de lo que pagaron por hora tres de cada cuatro "
        "trabajos parecidos ({low}).",
    "The client changed {title}, which you applied to. Check it again: /gig {id}":
        "El cliente cambió {title}, al que te postulaste. Revísalo de nuevo: /gig {id}",
    "Payment received: {n} more slot(s) on {title}, now {slots} in all ({amount}).":
        "Pago recibido: {n} plaza(s) más en {title}, ahora {slots} en total ({amount}).",
    "Your payment of {amount} for {title} came after the gig closed, so all of it is being refunded.":
        "Tu pago de {amount} por {title} llegó después de que el trabajo se cerrara, así que se "
        "reembolsa entero.",
    "The client gave you more time on {title}: deliver claim #{c} by {t}.":
        "El cliente te dio más tiempo en {title}: entrega el encargo #{c} antes del {t}.",
    "The client tipped you {amount} for {title}. It is on its way with your payouts.":
        "El cliente te dio una propina de {amount} por {title}. Va de camino con tus cobros.",
    "Your tip of {amount} to {name} for {title} is paid.":
        "Tu propina de {amount} a {name} por {title} está pagada.",
    "Your gig repeats every {n} day(s): here is the next copy of #{source}. Pay to open it.":
        "Tu trabajo se repite cada {n} día(s): aquí está la siguiente copia de #{source}. "
        "Págala para abrirla.",
    "Only the client who posted gig #{gig_id} can change it.":
        "Solo el cliente que publicó el trabajo #{gig_id} puede cambiarlo.",
    "Gig #{gig_id} is {state}; it can no longer be edited.":
        "El trabajo #{gig_id} está {state}; ya no se puede editar.",
    "Someone has already taken a slot of gig #{gig_id}, so its title and description stay as they were when they took it.":
        "Alguien ya tomó una plaza del trabajo #{gig_id}, así que su título y su descripción se "
        "quedan como estaban cuando la tomó.",
    'Say what to change: title="..." and/or description="...".':
        'Di qué cambiar: title="..." y/o description="...".',
    "Gig #{gig_id} is not paid yet: pay for it first, then add slots.":
        "El trabajo #{gig_id} aún no está pagado: págalo primero y luego añade plazas.",
    "Gig #{gig_id} is {state}; post it again with /repost {gig_id} instead.":
        "El trabajo #{gig_id} está {state}; publícalo de nuevo con /repost {gig_id}.",
    "Add between 1 and {maximum} slots at a time.": "Añade entre 1 y {maximum} plazas cada vez.",
    "A gig has at most {maximum} slots; gig #{gig_id} has {slots}.":
        "Un trabajo tiene como máximo {maximum} plazas; el trabajo #{gig_id} tiene {slots}.",
    "Your account is on hold; contact support before adding money to a gig.":
        "Tu cuenta está en espera; contacta con soporte antes de añadir dinero a un trabajo.",
    "Claim #{claim_id} is {state}; you can tip once you have approved the work.":
        "El encargo #{claim_id} está {state}; puedes dar propina cuando hayas aprobado el trabajo.",
    "A tip must be more than zero and at most {maximum} {currency}.":
        "Una propina debe ser mayor que cero y como máximo {maximum} {currency}.",
    "The payment provider returned a payment that belongs to another request; pay that one first.":
        "El proveedor de pagos devolvió un pago que pertenece a otra solicitud; paga esa primero.",
    "The payment ({amount} {currency}) does not match what was asked for gig #{gig_id} ({total} {gig_currency}).":
        "El pago ({amount} {currency}) no coincide con lo pedido para el trabajo #{gig_id} "
        "({total} {gig_currency}).",
    "Claim #{claim_id} is {state}; only work still to be delivered has a deadline to extend.":
        "El encargo #{claim_id} está {state}; solo el trabajo aún por entregar tiene un plazo "
        "que ampliar.",
    "That would put the deadline more than 60 days ahead.":
        "Eso pondría el plazo a más de 60 días vista.",
    "Gig #{gig_id} is still {state}; repost it once it is done (or add slots to it with /addslots {gig_id}).":
        "El trabajo #{gig_id} sigue {state}; vuelve a publicarlo cuando termine (o añádele "
        "plazas con /addslots {gig_id}).",
    "Gig #{gig_id} is a draft; post it first.":
        "El trabajo #{gig_id} es un borrador; publícalo primero.",
    "Repeat every 1 to 365 days, e.g. every=7.": "Repite cada 1 a 365 días, p. ej. every=7.",
    "Gig #{gig_id} does not repeat.": "El trabajo #{gig_id} no se repite.",
    "Stop repeating": "Dejar de repetir",
    "Gig #{gig_id} changed since that button was shown; nothing was done. Open it again with /gig {gig_id}.":
        "El trabajo #{gig_id} cambió desde que se mostró ese botón; no se hizo nada. Ábrelo de "
        "nuevo con /gig {gig_id}.",
    "Claim #{claim_id} changed since that button was shown; nothing was done. Open its gig again with /gig {gig_id}.":
        "El encargo #{claim_id} cambió desde que se mostró ese botón; no se hizo nada. Abre su "
        "trabajo de nuevo con /gig {gig_id}.",
    "Only the client who posted gig #{gig_id} can post it again or repeat it.":
        "Solo el cliente que publicó el trabajo #{gig_id} puede publicarlo de nuevo o repetirlo.",
    # --- end of a live gig managed by its client, rate cards ---
    # --- mass posting and push pacing (core/lifecycle/posting_limits.py, bot/renderers/gigs.py) ---
    "More gigs matched your skills in the last hour than the {n} I send you in an hour. "
    "See them all with /gigs.":
        "En la última hora coincidieron con tus habilidades más trabajos que los {n} que te "
        "envío por hora. Míralos todos con /gigs.",
    "The reward must be at least {minimum} per slot: below that, fees eat the pay.":
        "La recompensa debe ser de al menos {minimum} por plaza: por debajo, las comisiones "
        "se comen el pago.",
    "New accounts can post gigs worth up to {maximum} in all (reward x slots) until their "
    "first gig is completed. Lower the reward or the slots.":
        "Las cuentas nuevas pueden publicar trabajos de hasta {maximum} en total (recompensa "
        "x plazas) hasta completar su primer trabajo. Baja la recompensa o las plazas.",
    "You have {n} gigs open or waiting for payment, the most you can have at once. Cancel or "
    "finish one (see /mygigs) before you post another.":
        "Tienes {n} trabajos abiertos o pendientes de pago, el máximo a la vez. Cancela o "
        "termina uno (mira /mygigs) antes de publicar otro.",
    "You have posted {n} gigs in the last 24 hours, the most for one day. Try again "
    "tomorrow.":
        "Has publicado {n} trabajos en las últimas 24 horas, el máximo por día. Vuelve a "
        "intentarlo mañana.",
    # --- Discord command groups (adapters/discord/command_names.py) ---
    "Your profile, settings, gigs, wallet, payouts and receipts":
        "Tu perfil, ajustes, trabajos, cartera, cobros y recibos",
    "For board moderators: set up the board, ban, resolve disputes, stats":
        "Para moderadores: configurar el tablero, expulsar, resolver disputas, estadísticas",
    # --- task queues and Next similar task (bot/queue_cards.py, core/domain/queue_items.py) ---
    'per item':
        'por elemento',
    '{done} of {total} items done':
        '{done} de {total} elementos hechos',
    '{open} open':
        '{open} libres',
    'one freelancer may take several, one at a time':
        'un freelancer puede tomar varias, de una en una',
    'one slot per freelancer':
        'una plaza por freelancer',
    'Items ({n}):':
        'Elementos ({n}):',
    '…and {n} more':
        '…y {n} más',
    'item: {text}':
        'elemento: {text}',
    'Item {n}: {text}':
        'Elemento {n}: {text}',
    '…and {n} more claims':
        '…y {n} reservas más',
    'Next task: you hold as many live claims as you may now ({cap}); take the next one once one is approved.':
        'Siguiente tarea: tienes tantas reservas activas como puedes ahora ({cap}); toma la siguiente cuando aprueben una.',
    'Next similar task:':
        'Siguiente tarea similar:',
    'item {n} of {total} on #{gig} {title}':
        'elemento {n} de {total} en #{gig} {title}',
    'Next similar task':
        'Siguiente tarea similar',
    '{name} started on your queue {title}: item {n} of {total} ({claim}).':
        '{name} empezó con tu cola {title}: elemento {n} de {total} ({claim}).',
    "The next items they take show on the gig's card: /gig {gig}":
        'Los siguientes elementos que tome se ven en la tarjeta del trabajo: /gig {gig}',
    'A queue has one slot per item: {n} items, so leave slots out (you wrote slots={slots}).':
        'Una cola tiene una plaza por elemento: {n} elementos, así que omite slots (escribiste slots={slots}).',
    'Item {n} is {length} characters long; an item may have at most {max_len}.':
        'El elemento {n} tiene {length} caracteres; un elemento puede tener como máximo {max_len}.',
    'Item {n} repeats item {first} ({text}); each item is done and paid once, so remove the copy.':
        'El elemento {n} repite el elemento {first} ({text}); cada elemento se hace y se paga una vez, así que quita la copia.',
    'A queue takes at most {max_items} items; split the rest into another gig.':
        'Una cola admite como máximo {max_items} elementos; pon el resto en otro trabajo.',
    'The list of items is empty. Write one item per line, or items="first|second|third".':
        'La lista de elementos está vacía. Escribe un elemento por línea, o items="primero|segundo|tercero".',
    'That file is larger than {max_kb} KB; a queue takes at most {max_items} items.':
        'Ese archivo pesa más de {max_kb} KB; una cola admite como máximo {max_items} elementos.',
    'That file is not UTF-8 text; save it as CSV (UTF-8) and send it again.':
        'Ese archivo no es texto UTF-8; guárdalo como CSV (UTF-8) y envíalo de nuevo.',
    'Gig #{gig_id} is a queue of {n} items, one slot each; post more items as a new gig.':
        'El trabajo #{gig_id} es una cola de {n} elementos, una plaza cada uno; publica más elementos como un trabajo nuevo.',
    'You are still working on a slot of gig #{gig_id}; deliver it first, then take the next.':
        'Todavía trabajas en una plaza del trabajo #{gig_id}; entrégala primero y luego toma la siguiente.',
    'You already did a slot of gig #{gig_id}; it takes one slot per freelancer (its client can allow more with repeat=yes).':
        'Ya hiciste una plaza del trabajo #{gig_id}; admite una plaza por freelancer (su cliente puede permitir más con repeat=yes).',
    "A queue: one slot per item, written a|b|c":
        "Una cola: una plaza por elemento, escrito a|b|c",
    "yes: one freelancer may take several slots":
        "yes: un freelancer puede tomar varias plazas",
    "A queue: a CSV file, one row per item":
        "Una cola: un archivo CSV, una fila por elemento",
    "I could not read that file; send it again.":
        "No pude leer ese archivo; envíalo de nuevo.",
    # --- badges and qualification gigs (issue 16: bot/commands/badges.py,
    # bot/renderers/badges.py, core/lifecycle/badges.py) ---
    'Qualification gig: an approved delivery earns the {badge} badge':
        'Trabajo de calificación: una entrega aprobada otorga la insignia {badge}',
    'Only for holders of the {badge} badge':
        'Solo para quienes tienen la insignia {badge}',
    'Badges:':
        'Insignias:',
    '{community}, since {date}':
        '{community}, desde {date}',
    'the role could not be given last time: I need Manage Roles and my role above it':
        'la última vez no se pudo dar el rol: necesito Gestionar roles y mi rol por encima de él',
    'the role could not be given last time: it no longer exists':
        'la última vez no se pudo dar el rol: ya no existe',
    'Badges of {community}':
        'Insignias de {community}',
    'None yet. Set one up with /badge svg (on Discord: /badge svg role=@Role), then post a paid qualification gig with /post qualifies=svg.':
        'Ninguna todavía. Crea una con /badge svg (en Discord: /badge svg role=@Role) y publica un trabajo de calificación pagado con /post qualifies=svg.',
    '{n} holder(s)':
        '{n} titular(es)',
    'gives a Discord role':
        'da un rol de Discord',
    'Open qualification gigs: {gigs}':
        'Trabajos de calificación abiertos: {gigs}',
    'No open qualification gig.':
        'Ningún trabajo de calificación abierto.',
    'Moderators: set up a skill badge, earned with a qualification gig':
        'Moderadores: crear una insignia de habilidad, ganada con un trabajo de calificación',
    'the skill the badge proves, e.g. svg':
        'la habilidad que demuestra la insignia, p. ej. svg',
    'the role holders get on Discord':
        'el rol que reciben sus titulares en Discord',
    '🏅 The {badge} badge of {community} is ready.':
        '🏅 La insignia {badge} de {community} está lista.',
    'Holders get the @{role} role.':
        'Sus titulares reciben el rol @{role}.',
    'Holders get the role you picked.':
        'Sus titulares reciben el rol que elegiste.',
    "It shows on the holder's /profile and on their claims.":
        'Se muestra en el /profile del titular y en sus encargos.',
    'Post a paid qualification gig for it: /post qualifies={badge} title=... reward=... Approving a delivery grants the badge.':
        'Publica un trabajo de calificación pagado para ella: /post qualifies={badge} title=... reward=... Aprobar una entrega otorga la insignia.',
    'Gigs only holders may take: /post requires={badge} ...':
        'Trabajos que solo pueden tomar sus titulares: /post requires={badge} ...',
    'Giving the role again to {n} holder(s).':
        'Dando de nuevo el rol a {n} titular(es).',
    'Moderators: take a badge back from a member':
        'Moderadores: retirar una insignia a un miembro',
    "the badge's skill, e.g. svg":
        'la habilidad de la insignia, p. ej. svg',
    '{name} no longer holds the {badge} badge of {community}.':
        '{name} ya no tiene la insignia {badge} de {community}.',
    'Badges: {badges}':
        'Insignias: {badges}',
    '🏅 You earned the {badge} badge of {community}!':
        '🏅 ¡Ganaste la insignia {badge} de {community}!',
    'Your approved work on {title} qualified you. Gigs of {community} that require {badge} are open to you now, and the badge shows on your /profile and your claims.':
        'Tu trabajo aprobado en {title} te calificó. Los trabajos de {community} que piden {badge} ya están abiertos para ti, y la insignia se muestra en tu /profile y en tus encargos.',
    "You also get the badge's role on the {community} server.":
        'También recibes el rol de la insignia en el servidor {community}.',
    'A moderator of {community} took back your {badge} badge.':
        'Un moderador de {community} te retiró la insignia {badge}.',
    'Reason: {reason}':
        'Motivo: {reason}',
    '⚠️ I could not take the {role} role back from {member} on {community}.':
        '⚠️ No pude quitarle el rol {role} a {member} en {community}.',
    '⚠️ I could not give {member} the {role} role on {community}.':
        '⚠️ No pude darle a {member} el rol {role} en {community}.',
    'The role of the {badge} badge no longer exists. Pick another one with /badge {badge} role=@Role.':
        'El rol de la insignia {badge} ya no existe. Elige otro con /badge {badge} role=@Role.',
    'Discord says I am missing permissions. In Server Settings → Roles, give my role ({bot_role}) the Manage Roles permission and drag it above {role}.':
        'Discord dice que me faltan permisos. En Ajustes del servidor → Roles, dale a mi rol ({bot_role}) el permiso Gestionar roles y arrástralo por encima de {role}.',
    "the bot's role":
        'el rol del bot',
    "Then run /badge {badge} in the server to bring every holder's role up to date.":
        'Luego ejecuta /badge {badge} en el servidor para poner al día el rol de cada titular.',
    'The badge itself is granted; only the role is missing.':
        'La insignia sí se otorgó; solo falta el rol.',
    "Moderators: approving a delivery earns this skill's badge":
        'Moderadores: aprobar una entrega otorga la insignia de esta habilidad',
    "Only holders of this skill's badge may claim or apply":
        'Solo quienes tienen la insignia de esta habilidad pueden tomarlo o postularse',
    'Name one skill for the badge, like {name}=svg.':
        'Indica una sola habilidad para la insignia, como {name}=svg.',
    'A qualification gig for {badge} cannot require {badge}: nobody could earn it.':
        'Un trabajo de calificación para {badge} no puede pedir {badge}: nadie podría ganarla.',
    'Only moderators of {community} can set up its badges.':
        'Solo los moderadores de {community} pueden crear sus insignias.',
    'Name the skill of the badge, like /badge svg.':
        'Indica la habilidad de la insignia, como /badge svg.',
    "Badges give a role on Discord only; on {platform} they show on the member's profile.":
        'Las insignias dan un rol solo en Discord; en {platform} se muestran en el perfil del miembro.',
    'Pick the role (role=@Role) or paste its id.':
        'Elige el rol (role=@Role) o pega su id.',
    'Badges belong to a community board: post this gig on the board whose {badge} badge it is about.':
        'Las insignias pertenecen al tablero de una comunidad: publica este trabajo en el tablero de la insignia {badge}.',
    '{community} has no {badge} badge yet. A moderator sets it up with /badge {badge}.':
        '{community} aún no tiene la insignia {badge}. Un moderador la crea con /badge {badge}.',
    'Only moderators of {community} can post qualification gigs.':
        'Solo los moderadores de {community} pueden publicar trabajos de calificación.',
    'Gig #{gig_id} is for holders of the {badge} badge of {community}. Earn it with a paid qualification gig: {gigs}.':
        'El trabajo #{gig_id} es para quienes tienen la insignia {badge} de {community}. Gánala con un trabajo de calificación pagado: {gigs}.',
    'Gig #{gig_id} is for holders of the {badge} badge of {community}. No qualification gig for it is open right now; ask the moderators of {community} when the next one comes.':
        'El trabajo #{gig_id} es para quienes tienen la insignia {badge} de {community}. Ahora no hay ningún trabajo de calificación abierto para ella; pregunta a los moderadores de {community} cuándo llega el próximo.',
    'You already hold the {badge} badge of {community}; this qualification gig is for those who do not.':
        'Ya tienes la insignia {badge} de {community}; este trabajo de calificación es para quienes no la tienen.',
    'Only moderators of {community} can take badges back.':
        'Solo los moderadores de {community} pueden retirar insignias.',
    '{community} has no {badge} badge.':
        '{community} no tiene la insignia {badge}.',
    '{name} does not hold the {badge} badge of {community}.':
        '{name} no tiene la insignia {badge} de {community}.',
    'Unknown role problem {problem}.':
        'Problema de rol desconocido {problem}.',
    'Badge needed':
        'Falta una insignia',
    "That form was already sent or closed, so I did not use this answer.":
        "Ese formulario ya se envió o se cerró, así que no usé esta respuesta.",
    "Your form changed while I read that answer; please send it again.":
        "Tu formulario cambió mientras leía esa respuesta; envíala otra vez, por favor.",
    # --- dispute packets, automatic receipts, /statement (issue 16 items 4, 5) ---
    'Automatic PDF receipts: {v}':
        'Recibos PDF automáticos: {v}',
    'Your statement on the dispute':
        'Tu declaración sobre la disputa',
    'Your statement':
        'Tu declaración',
    'Tell the moderator your side in one message: what was asked, what was delivered, what went wrong. Attach files (screenshots, the brief) as evidence in the same message. You can do this once.':
        'Cuéntale al moderador tu versión en un solo mensaje: qué se pidió, qué se entregó, qué salió mal. Adjunta archivos (capturas, el encargo) como pruebas en el mismo mensaje. Puedes hacerlo una vez.',
    'Custom split':
        'Reparto a medida',
    "The freelancer's share":
        'La parte del freelancer',
    'How much of the reward goes to the freelancer? e.g. 12.50 (the rest goes back to the client).':
        '¿Cuánto de la recompensa va al freelancer? p. ej. 12.50 (el resto vuelve al cliente).',
    'Your statement is added to the dispute on claim #{c} ({n} file(s)). The moderator and the other side have it now.':
        'Tu declaración se añadió a la disputa del encargo #{c} ({n} archivo(s)). El moderador y la otra parte ya la tienen.',
    'Your statement is added to the dispute on claim #{c}. The moderator and the other side have it now.':
        'Tu declaración se añadió a la disputa del encargo #{c}. El moderador y la otra parte ya la tienen.',
    'Add your statement and evidence to a dispute (once per side)':
        'Añade tu declaración y pruebas a una disputa (una vez por parte)',
    'your statement (no text: a form where you can attach files)':
        'tu declaración (sin texto: un formulario donde adjuntar archivos)',
    'This dispute was already settled: {f} to the freelancer, {c} back to the client.':
        'Esta disputa ya se resolvió: {f} para el freelancer, {c} de vuelta al cliente.',
    'Your monthly statement as a PDF (opening balance, lines, closing)':
        'Tu extracto mensual en PDF (saldo inicial, movimientos, saldo final)',
    'the month as year-month, e.g. 2026-11 (default: last month)':
        'el mes como año-mes, p. ej. 2026-11 (por defecto: el mes pasado)',
    'Your statement for {month} ({zone}).':
        'Tu extracto de {month} ({zone}).',
    'No money moved for you in this month.':
        'No hubo movimientos de dinero para ti en este mes.',
    '{currency}: opening {opening}, {n} line(s), closing {closing}':
        '{currency}: saldo inicial {opening}, {n} movimiento(s), saldo final {closing}',
    'the client':
        'el cliente',
    'the freelancer':
        'el freelancer',
    '{done} completed · disputes won {won}, lost {lost}, split {split}':
        '{done} completados · disputas ganadas {won}, perdidas {lost}, repartidas {split}',
    '{t} statement of {name} ({role}):':
        '{t} declaración de {name} ({role}):',
    'All to the freelancer ({amount})':
        'Todo al freelancer ({amount})',
    'Half ({amount} each)':
        'Mitad ({amount} cada uno)',
    'All back to the client':
        'Todo de vuelta al cliente',
    'Custom split…':
        'Reparto a medida…',
    'History of {name}: {history}':
        'Historial de {name}: {history}',
    'Deadlines':
        'Plazos',
    'Statements (one per side) until {t}.':
        'Declaraciones (una por parte) hasta {t}.',
    'Still no statement from {name} ({role}).':
        'Aún sin declaración de {name} ({role}).',
    'Decide by {t}; after that it is settled automatically: {f} to the freelancer, {c} back to the client.':
        'Decide antes de {t}; después se resuelve automáticamente: {f} para el freelancer, {c} de vuelta al cliente.',
    "Decide with a button, or /resolve {c} SHARE (the freelancer's part of {amount}).":
        'Decide con un botón, o con /resolve {c} PARTE (la parte del freelancer sobre {amount}).',
    'Dispute on claim #{c} of {title}: {who} added their statement.':
        'Disputa del encargo #{c} de {title}: {who} añadió su declaración.',
    'In the dispute on claim #{c} of {title}, {who} added their statement. A moderator will decide.':
        'En la disputa del encargo #{c} de {title}, {who} añadió su declaración. Un moderador decidirá.',
    'You can add yours once, with files as evidence, until {t}: /respond {c}.':
        'Puedes añadir la tuya una vez, con archivos como pruebas, hasta {t}: /respond {c}.',
    'Add my statement':
        'Añadir mi declaración',
    'Dispute on claim #{c} of {title}: the time for statements is over; no statement from {who}. Please decide.':
        'Disputa del encargo #{c} de {title}: terminó el plazo de declaraciones; no hay declaración de {who}. Por favor, decide.',
    'Tell your side once, with files as evidence, until {t}: /respond {c} or the button below.':
        'Cuenta tu versión una vez, con archivos como pruebas, hasta {t}: /respond {c} o el botón de abajo.',
    'You may add one statement with files as evidence until {t}: /respond {c}.':
        'Puedes añadir una declaración con archivos como pruebas hasta {t}: /respond {c}.',
    'Receipt #{n}: your payment of {amount} for {title}.':
        'Recibo #{n}: tu pago de {amount} por {title}.',
    'Receipt #{n}: your payout of {amount} for {title}.':
        'Recibo #{n}: tu cobro de {amount} por {title}.',
    'Receipt #{n}: your refund of {amount} for {title}.':
        'Recibo #{n}: tu reembolso de {amount} por {title}.',
    'Automatic receipts can be turned off with /settings receipts=off.':
        'Puedes desactivar los recibos automáticos con /settings receipts=off.',
    'Monthly statement':
        'Extracto mensual',
    'Monthly statement {month}':
        'Extracto mensual {month}',
    'For: {name}':
        'Para: {name}',
    'Period: {start} to {end} ({zone})':
        'Periodo: {start} a {end} ({zone})',
    'Date':
        'Fecha',
    'What':
        'Concepto',
    'Amount':
        'Importe',
    'Balance':
        'Saldo',
    'Opening balance':
        'Saldo inicial',
    'Closing balance':
        'Saldo final',
    'The balance is what gigbroker holds for you: earnings not paid out yet, money in escrow for your gigs and refunds on their way. Each payment, payout and refund has its own receipt (/receipt).':
        'El saldo es lo que gigbroker guarda para ti: ganancias aún no cobradas, dinero en garantía de tus trabajos y reembolsos en camino. Cada pago, cobro y reembolso tiene su propio recibo (/receipt).',
    'receipts is on or off, e.g. /settings receipts=off.':
        'receipts es on u off, p. ej. /settings receipts=off.',
    'This form lost its claim; open the dispute again.':
        'Este formulario perdió su encargo; abre la disputa de nuevo.',
    'Choose all, half or none.':
        'Elige all, half o none.',
    'Attach at most {n} files.':
        'Adjunta como máximo {n} archivos.',
    'Only the client and the freelancer of this claim can add a statement.':
        'Solo el cliente y el freelancer de este encargo pueden añadir una declaración.',
    'This dispute is already settled.':
        'Esta disputa ya está resuelta.',
    'The time to add a statement to this dispute is over.':
        'Terminó el plazo para añadir una declaración a esta disputa.',
    'You already added your statement to this dispute; each side adds one.':
        'Ya añadiste tu declaración a esta disputa; cada parte añade una.',
    'Write your statement (what happened, in a few sentences), with files as evidence if you have them.':
        'Escribe tu declaración (qué pasó, en pocas frases), con archivos como pruebas si los tienes.',
    'Give the month as year-month, e.g. /statement {example}.':
        'Indica el mes como año-mes, p. ej. /statement {example}.',
    '{month} has not begun yet; pick a month up to this one.':
        '{month} aún no ha empezado; elige un mes hasta el actual.',
    'Send /receipt to see your receipts.':
        'Envía /receipt para ver tus recibos.',
    'hours the parties of a dispute have for their statements':
        'horas que tienen las partes de una disputa para sus declaraciones',
    'split when nobody decides: half, freelancer or client':
        'reparto si nadie decide: half, freelancer o client',
    'Only moderators of this board can change its dispute rules.':
        'Solo los moderadores de este tablero pueden cambiar sus reglas de disputas.',
    'The dispute rule is half, freelancer or client.':
        'La regla de disputas es half, freelancer o client.',
    'Half ({f} / {c})':
        'Mitad ({f} / {c})',
}
