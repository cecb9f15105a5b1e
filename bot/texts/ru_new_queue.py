"""Russian translations of the task-queue messages (issue 16 item 2), merged by the
coordinator into the catalogue."""

MESSAGES = {
    'per item':
        'за элемент',
    '{done} of {total} items done':
        'выполнено {done} из {total} элементов',
    '{open} open':
        'свободно: {open}',
    'one freelancer may take several, one at a time':
        'один исполнитель может взять несколько, по одному',
    'one slot per freelancer':
        'одно место на исполнителя',
    'Items ({n}):':
        'Элементы ({n}):',
    '…and {n} more':
        '…и ещё {n}',
    'item: {text}':
        'элемент: {text}',
    'Item {n}: {text}':
        'Элемент {n}: {text}',
    '…and {n} more claims':
        '…и ещё заявок: {n}',
    'Next task: you hold as many live claims as you may now ({cap}); take the next one once one is approved.':
        'Следующее задание: у вас уже столько активных заявок, сколько можно сейчас ({cap}); возьмите следующее, когда одну одобрят.',
    'Next similar task:':
        'Следующее похожее задание:',
    'item {n} of {total} on #{gig} {title}':
        'элемент {n} из {total} в #{gig} {title}',
    'Next similar task':
        'Следующее похожее задание',
    '{name} started on your queue {title}: item {n} of {total} ({claim}).':
        '{name} начал(а) работу над вашей очередью {title}: элемент {n} из {total} ({claim}).',
    "The next items they take show on the gig's card: /gig {gig}":
        'Следующие элементы, которые он(а) возьмёт, видны в карточке задания: /gig {gig}',
    'A queue has one slot per item: {n} items, so leave slots out (you wrote slots={slots}).':
        'В очереди одно место на элемент: элементов {n}, поэтому не указывайте slots (вы написали slots={slots}).',
    'Item {n} is {length} characters long; an item may have at most {max_len}.':
        'Элемент {n} длиной {length} символов; у элемента может быть не больше {max_len}.',
    'Item {n} repeats item {first} ({text}); each item is done and paid once, so remove the copy.':
        'Элемент {n} повторяет элемент {first} ({text}); каждый элемент выполняется и оплачивается один раз, уберите копию.',
    'A queue takes at most {max_items} items; split the rest into another gig.':
        'В очереди может быть не больше {max_items} элементов; остальные вынесите в другое задание.',
    'The list of items is empty. Write one item per line, or items="first|second|third".':
        'Список элементов пуст. Пишите по одному элементу в строке или items="первый|второй|третий".',
    'That file is larger than {max_kb} KB; a queue takes at most {max_items} items.':
        'Этот файл больше {max_kb} КБ; в очереди может быть не больше {max_items} элементов.',
    'That file is not UTF-8 text; save it as CSV (UTF-8) and send it again.':
        'Этот файл не в кодировке UTF-8; сохраните его как CSV (UTF-8) и отправьте снова.',
    'Gig #{gig_id} is a queue of {n} items, one slot each; post more items as a new gig.':
        'Задание #{gig_id} — очередь из {n} элементов, по одному месту на каждый; новые элементы опубликуйте отдельным заданием.',
    'You are still working on a slot of gig #{gig_id}; deliver it first, then take the next.':
        'Вы ещё работаете над местом в задании #{gig_id}; сначала сдайте его, потом берите следующее.',
    'You already did a slot of gig #{gig_id}; it takes one slot per freelancer (its client can allow more with repeat=yes).':
        'Вы уже выполнили место в задании #{gig_id}; в нём одно место на исполнителя (заказчик может разрешить больше через repeat=yes).',
    'Slots or items':
        'Места или элементы',
    'How many people should do it? (1 if just one.) For a queue of different items, send them one per line, or a CSV file with one row per item.':
        'Сколько человек должны это сделать? (1, если один.) Для очереди разных элементов пришлите их по одному в строке или CSV-файл, по строке на элемент.',
    'A queue: one slot per item, written a|b|c':
        'Очередь: одно место на элемент, через a|b|c',
    'yes: one freelancer may take several slots':
        'yes: один исполнитель может взять несколько мест',
    'A queue: a CSV file, one row per item':
        'Очередь: CSV-файл, по строке на элемент',
    'I could not read that file; send it again.':
        'Не удалось прочитать файл; отправьте его ещё раз.',
}
