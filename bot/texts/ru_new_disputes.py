"""Russian translations of the messages added for dispute packets, automatic
receipts and /statement (issue 16 items 4, 5); merged into the catalogue by the
coordinator."""
MESSAGES = {
    'Automatic PDF receipts: {v}':
        'Автоматические PDF-квитанции: {v}',
    'Your statement on the dispute':
        'Ваше заявление по спору',
    'Your statement':
        'Ваше заявление',
    'Tell the moderator your side in one message: what was asked, what was delivered, what went wrong. Attach files (screenshots, the brief) as evidence in the same message. You can do this once.':
        'Изложите модератору свою позицию одним сообщением: что просили, что сдали, что пошло не так. Приложите файлы (скриншоты, задание) как доказательства в том же сообщении. Это можно сделать один раз.',
    'Custom split':
        'Свой раздел',
    "The freelancer's share":
        'Доля фрилансера',
    'How much of the reward goes to the freelancer? e.g. 12.50 (the rest goes back to the client).':
        'Сколько из вознаграждения получает фрилансер? Например, 12.50 (остальное возвращается клиенту).',
    'Your statement is added to the dispute on claim #{c} ({n} file(s)). The moderator and the other side have it now.':
        'Ваше заявление добавлено к спору по заказу #{c} (файлов: {n}). Модератор и другая сторона уже получили его.',
    'Your statement is added to the dispute on claim #{c}. The moderator and the other side have it now.':
        'Ваше заявление добавлено к спору по заказу #{c}. Модератор и другая сторона уже получили его.',
    'Add your statement and evidence to a dispute (once per side)':
        'Добавить заявление и доказательства к спору (раз на сторону)',
    'your statement (no text: a form where you can attach files)':
        'ваше заявление (без текста: форма, где можно приложить файлы)',
    'This dispute was already settled: {f} to the freelancer, {c} back to the client.':
        'Этот спор уже решён: {f} фрилансеру, {c} обратно клиенту.',
    'Your monthly statement as a PDF (opening balance, lines, closing)':
        'Ваша месячная выписка в PDF (начальный остаток, операции, конечный)',
    'the month as year-month, e.g. 2026-11 (default: last month)':
        'месяц в виде год-месяц, например 2026-11 (по умолчанию прошлый)',
    'Your statement for {month} ({zone}).':
        'Ваша выписка за {month} ({zone}).',
    'No money moved for you in this month.':
        'В этом месяце по вам не было движения денег.',
    '{currency}: opening {opening}, {n} line(s), closing {closing}':
        '{currency}: на начало {opening}, операций: {n}, на конец {closing}',
    'the client':
        'клиент',
    'the freelancer':
        'фрилансер',
    '{done} completed · disputes won {won}, lost {lost}, split {split}':
        'завершено: {done} · споров выиграно {won}, проиграно {lost}, поровну {split}',
    '{t} statement of {name} ({role}):':
        '{t} заявление {name} ({role}):',
    'All to the freelancer ({amount})':
        'Всё фрилансеру ({amount})',
    'Half ({amount} each)':
        'Пополам (по {amount})',
    'All back to the client':
        'Всё обратно клиенту',
    'Custom split…':
        'Свой раздел…',
    'History of {name}: {history}':
        'История {name}: {history}',
    'Deadlines':
        'Сроки',
    'Statements (one per side) until {t}.':
        'Заявления (по одному от стороны) до {t}.',
    'Still no statement from {name} ({role}).':
        'Пока нет заявления от {name} ({role}).',
    'Decide by {t}; after that it is settled automatically: {f} to the freelancer, {c} back to the client.':
        'Решите до {t}; после этого спор решается автоматически: {f} фрилансеру, {c} обратно клиенту.',
    "Decide with a button, or /resolve {c} SHARE (the freelancer's part of {amount}).":
        'Решите кнопкой или командой /resolve {c} ДОЛЯ (часть фрилансера из {amount}).',
    'Dispute on claim #{c} of {title}: {who} added their statement.':
        'Спор по заказу #{c} в {title}: {who} добавил(а) заявление.',
    'In the dispute on claim #{c} of {title}, {who} added their statement. A moderator will decide.':
        'В споре по заказу #{c} в {title} {who} добавил(а) заявление. Решит модератор.',
    'You can add yours once, with files as evidence, until {t}: /respond {c}.':
        'Вы можете один раз добавить своё, с файлами-доказательствами, до {t}: /respond {c}.',
    'Add my statement':
        'Добавить заявление',
    'Dispute on claim #{c} of {title}: the time for statements is over; no statement from {who}. Please decide.':
        'Спор по заказу #{c} в {title}: время для заявлений истекло; нет заявления от: {who}. Пожалуйста, примите решение.',
    'Tell your side once, with files as evidence, until {t}: /respond {c} or the button below.':
        'Изложите свою позицию один раз, с файлами-доказательствами, до {t}: /respond {c} или кнопкой ниже.',
    'You may add one statement with files as evidence until {t}: /respond {c}.':
        'Вы можете добавить одно заявление с файлами-доказательствами до {t}: /respond {c}.',
    'Receipt #{n}: your payment of {amount} for {title}.':
        'Квитанция #{n}: ваш платёж {amount} за {title}.',
    'Receipt #{n}: your payout of {amount} for {title}.':
        'Квитанция #{n}: ваша выплата {amount} за {title}.',
    'Receipt #{n}: your refund of {amount} for {title}.':
        'Квитанция #{n}: ваш возврат {amount} за {title}.',
    'Automatic receipts can be turned off with /settings receipts=off.':
        'Автоматические квитанции можно отключить: /settings receipts=off.',
    'Monthly statement':
        'Месячная выписка',
    'Monthly statement {month}':
        'Месячная выписка {month}',
    'For: {name}':
        'Для: {name}',
    'Period: {start} to {end} ({zone})':
        'Период: с {start} по {end} ({zone})',
    'Date':
        'Дата',
    'What':
        'Что',
    'Amount':
        'Сумма',
    'Balance':
        'Остаток',
    'Opening balance':
        'Начальный остаток',
    'Closing balance':
        'Конечный остаток',
    'The balance is what gigbroker holds for you: earnings not paid out yet, money in escrow for your gigs and refunds on their way. Each payment, payout and refund has its own receipt (/receipt).':
        'Остаток — это то, что gigbroker хранит для вас: ещё не выплаченный заработок, деньги в эскроу по вашим заказам и возвраты в пути. У каждого платежа, выплаты и возврата есть своя квитанция (/receipt).',
    'receipts is on or off, e.g. /settings receipts=off.':
        'receipts — это on или off, например /settings receipts=off.',
    'This form lost its claim; open the dispute again.':
        'Форма потеряла свой заказ; откройте спор снова.',
    'Choose all, half or none.':
        'Выберите all, half или none.',
    'Attach at most {n} files.':
        'Приложите не больше {n} файлов.',
    'Only the client and the freelancer of this claim can add a statement.':
        'Заявление могут добавить только клиент и фрилансер этого заказа.',
    'This dispute is already settled.':
        'Этот спор уже решён.',
    'The time to add a statement to this dispute is over.':
        'Время для заявлений по этому спору истекло.',
    'You already added your statement to this dispute; each side adds one.':
        'Вы уже добавили заявление к этому спору; каждая сторона добавляет одно.',
    'Write your statement (what happened, in a few sentences), with files as evidence if you have them.':
        'Напишите заявление (что произошло, в нескольких предложениях), с файлами-доказательствами, если они есть.',
    'Give the month as year-month, e.g. /statement {example}.':
        'Укажите месяц в виде год-месяц, например /statement {example}.',
    '{month} has not begun yet; pick a month up to this one.':
        '{month} ещё не начался; выберите месяц не позже текущего.',
    'Send /receipt to see your receipts.':
        'Отправьте /receipt, чтобы увидеть свои квитанции.',
    'hours the parties of a dispute have for their statements':
        'часы, за которые стороны спора подают заявления',
    'split when nobody decides: half, freelancer or client':
        'раздел, если никто не решил: half, freelancer или client',
    'Only moderators of this board can change its dispute rules.':
        'Менять правила споров этой доски могут только её модераторы.',
    'The dispute rule is half, freelancer or client.':
        'Правило споров: half, freelancer или client.',
    'Half ({f} / {c})':
        'Пополам ({f} / {c})',
}
