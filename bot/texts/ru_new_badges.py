"""Russian translations of the badge and qualification-gig messages (issue 16),
for the coordinator to merge into the Russian catalogue; not imported."""
MESSAGES: dict[str, str] = {
    'Qualification gig: an approved delivery earns the {badge} badge':
        'Квалификационное задание: одобренная сдача даёт значок {badge}',
    'Only for holders of the {badge} badge':
        'Только для обладателей значка {badge}',
    'Badges:':
        'Значки:',
    '{community}, since {date}':
        '{community}, с {date}',
    'the role could not be given last time: I need Manage Roles and my role above it':
        'в прошлый раз роль выдать не удалось: мне нужно право «Управлять ролями» и моя роль выше неё',
    'the role could not be given last time: it no longer exists':
        'в прошлый раз роль выдать не удалось: её больше нет',
    'Badges of {community}':
        'Значки {community}',
    'None yet. Set one up with /badge svg (on Discord: /badge svg role=@Role), then post a paid qualification gig with /post qualifies=svg.':
        'Пока нет. Создайте значок командой /badge svg (в Discord: /badge svg role=@Role), затем опубликуйте оплачиваемое квалификационное задание: /post qualifies=svg.',
    '{n} holder(s)':
        'обладателей: {n}',
    'gives a Discord role':
        'даёт роль в Discord',
    'Open qualification gigs: {gigs}':
        'Открытые квалификационные задания: {gigs}',
    'No open qualification gig.':
        'Открытых квалификационных заданий нет.',
    'Moderators: set up a skill badge, earned with a qualification gig':
        'Модераторы: значок навыка, который дают за квалификационное задание',
    'the skill the badge proves, e.g. svg':
        'навык, который подтверждает значок, например svg',
    'the role holders get on Discord':
        'роль, которую обладатели получают в Discord',
    '🏅 The {badge} badge of {community} is ready.':
        '🏅 Значок {badge} сообщества {community} готов.',
    'Holders get the @{role} role.':
        'Обладатели получают роль @{role}.',
    'Holders get the role you picked.':
        'Обладатели получают выбранную вами роль.',
    "It shows on the holder's /profile and on their claims.":
        'Он виден в /profile обладателя и в его заявках на задания.',
    'Post a paid qualification gig for it: /post qualifies={badge} title=... reward=... Approving a delivery grants the badge.':
        'Опубликуйте для него оплачиваемое квалификационное задание: /post qualifies={badge} title=... reward=... Одобренная сдача даёт значок.',
    'Gigs only holders may take: /post requires={badge} ...':
        'Задания только для обладателей: /post requires={badge} ...',
    'Giving the role again to {n} holder(s).':
        'Снова выдаю роль обладателям: {n}.',
    'Moderators: take a badge back from a member':
        'Модераторы: отозвать значок у участника',
    "the badge's skill, e.g. svg":
        'навык значка, например svg',
    '{name} no longer holds the {badge} badge of {community}.':
        'У {name} больше нет значка {badge} сообщества {community}.',
    'Badges: {badges}':
        'Значки: {badges}',
    '🏅 You earned the {badge} badge of {community}!':
        '🏅 Вы получили значок {badge} сообщества {community}!',
    'Your approved work on {title} qualified you. Gigs of {community} that require {badge} are open to you now, and the badge shows on your /profile and your claims.':
        'Ваша одобренная работа по {title} подтвердила квалификацию. Задания {community}, требующие {badge}, теперь вам доступны, а значок виден в вашем /profile и ваших заявках.',
    "You also get the badge's role on the {community} server.":
        'Вы также получаете роль значка на сервере {community}.',
    'A moderator of {community} took back your {badge} badge.':
        'Модератор {community} отозвал ваш значок {badge}.',
    'Reason: {reason}':
        'Причина: {reason}',
    '⚠️ I could not take the {role} role back from {member} on {community}.':
        '⚠️ Не удалось снять роль {role} с {member} в {community}.',
    '⚠️ I could not give {member} the {role} role on {community}.':
        '⚠️ Не удалось выдать {member} роль {role} в {community}.',
    'The role of the {badge} badge no longer exists. Pick another one with /badge {badge} role=@Role.':
        'Роли значка {badge} больше нет. Выберите другую: /badge {badge} role=@Role.',
    'Discord says I am missing permissions. In Server Settings → Roles, give my role ({bot_role}) the Manage Roles permission and drag it above {role}.':
        'Discord сообщает, что у меня не хватает прав. В настройках сервера → Роли дайте моей роли ({bot_role}) право «Управлять ролями» и перетащите её выше {role}.',
    "the bot's role":
        'роль бота',
    "Then run /badge {badge} in the server to bring every holder's role up to date.":
        'Затем выполните /badge {badge} на сервере, чтобы обновить роль у всех обладателей.',
    'The badge itself is granted; only the role is missing.':
        'Сам значок выдан; не хватает только роли.',
    "Moderators: approving a delivery earns this skill's badge":
        'Модераторы: одобренная сдача даёт значок этого навыка',
    "Only holders of this skill's badge may claim or apply":
        'Брать задание или откликаться могут только обладатели значка этого навыка',
    'Name one skill for the badge, like {name}=svg.':
        'Укажите один навык для значка, например {name}=svg.',
    'A qualification gig for {badge} cannot require {badge}: nobody could earn it.':
        'Квалификационное задание для {badge} не может требовать {badge}: его никто не смог бы получить.',
    'Only moderators of {community} can set up its badges.':
        'Значки {community} могут настраивать только его модераторы.',
    'Name the skill of the badge, like /badge svg.':
        'Укажите навык значка, например /badge svg.',
    "Badges give a role on Discord only; on {platform} they show on the member's profile.":
        'Роль значки дают только в Discord; в {platform} они видны в профиле участника.',
    'Pick the role (role=@Role) or paste its id.':
        'Выберите роль (role=@Role) или вставьте её id.',
    'Badges belong to a community board: post this gig on the board whose {badge} badge it is about.':
        'Значки принадлежат доске сообщества: опубликуйте задание на доске, к которой относится значок {badge}.',
    '{community} has no {badge} badge yet. A moderator sets it up with /badge {badge}.':
        'У {community} пока нет значка {badge}. Модератор создаёт его командой /badge {badge}.',
    'Only moderators of {community} can post qualification gigs.':
        'Квалификационные задания могут публиковать только модераторы {community}.',
    'Gig #{gig_id} is for holders of the {badge} badge of {community}. Earn it with a paid qualification gig: {gigs}.':
        'Задание #{gig_id} — для обладателей значка {badge} сообщества {community}. Получите его за оплачиваемое квалификационное задание: {gigs}.',
    'Gig #{gig_id} is for holders of the {badge} badge of {community}. No qualification gig for it is open right now; ask the moderators of {community} when the next one comes.':
        'Задание #{gig_id} — для обладателей значка {badge} сообщества {community}. Сейчас нет открытых квалификационных заданий для него; спросите модераторов {community}, когда будет следующее.',
    'You already hold the {badge} badge of {community}; this qualification gig is for those who do not.':
        'У вас уже есть значок {badge} сообщества {community}; это квалификационное задание для тех, у кого его нет.',
    'Only moderators of {community} can take badges back.':
        'Отзывать значки могут только модераторы {community}.',
    '{community} has no {badge} badge.':
        'У {community} нет значка {badge}.',
    '{name} does not hold the {badge} badge of {community}.':
        'У {name} нет значка {badge} сообщества {community}.',
    'Unknown role problem {problem}.':
        'Неизвестная проблема с ролью {problem}.',
    'Badge needed':
        'Нужен значок',
}
