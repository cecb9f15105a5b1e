"""The delivery layer: where replies, notifications and cards go, on every
platform, in one implementation.

- ``platform``: the contract adapters implement (send, edit, delete, upload,
  open a form; ``Capabilities``) and the typed outcomes they raise;
- ``routing``: where each reply to an incoming event goes (this chat, a DM, a
  board; private or public), with the DM-refused fallback;
- ``cards``: card keys and live card references (several messages per card,
  in several chats and platforms, all edited on every change);
- ``memory``: dedup of repeated deliveries and per-key locks;
- ``outcomes``: platform outcomes -> what the outbox is told;
- ``service``: one platform's delivery (routing + cards + notifications);
- ``dispatcher``: core's notifications -> each platform of the recipient;
- ``text``: spans as plain text and URL checks shared by the adapters."""
