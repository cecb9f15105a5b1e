"""Russian translations of the messages added for roles and several processes
(issue 14); merged into the catalogue by the coordinator."""

MESSAGES = {
    "That form was already sent or closed, so I did not use this answer.":
        "Эта форма уже отправлена или закрыта, поэтому я не использовал этот ответ.",
    "Your form changed while I read that answer; please send it again.":
        "Ваша форма изменилась, пока я читал этот ответ; пожалуйста, отправьте его ещё раз.",
}
