"""Receipts do not depend on Stripe: with the sandbox provider, /receipt lists
the payment and the payout and sends them as PDFs (marked as test money), in
the user's language, with their amounts and any script the fonts can draw; the
console prints the attachment's name and size."""
from __future__ import annotations

from adapters.console.render import render
from bot.runtime.app import App
from bot.conversation import Place, PlaceKind
from bot.runtime.settings import Settings
from core.domain.clock import ManualClock
from core.domain.gig_input import GigDraft
from core.domain.records import LedgerEntry
from tests.pdf_text import pdf_text


async def test_sandbox_receipts_as_pdf_in_chat(tmp_path):
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'g.db'}",
                        stripe_secret_key=None)
    app = App(settings, clock=ManualClock())
    await app.prepare()
    try:
        conv, engine = app.conversation, app.engine
        carol = await conv.actor("console", "carol", "Carol Peña", locale="es")
        alice = await conv.actor("console", "alice", "alice")
        place = Place("console", PlaceKind.dm, "dm")
        await engine.setup_payouts(alice.user_id)
        gig = await engine.post_gig(carol.user_id, GigDraft.parse(
            {"title": "Logo ✨ für Café “Ñandú”", "reward": "12.50", "currency": "eur",
             "skills": "design"}))
        gig, _ = await engine.start_funding(carol.user_id, gig.id)
        claim = await engine.claim_slot(alice.user_id, gig.id)
        await engine.deliver(alice.user_id, claim.id, "done")
        await engine.approve(carol.user_id, claim.id)
        await app.tick()

        [listing] = await conv.command(carol, place, "receipt")
        assert "Tus recibos" in listing.text.plain_text()
        entries = await engine.view(lambda t: {e.kind: e for e in t.s.query(LedgerEntry)})
        [reply] = await conv.command(carol, place, "receipt", str(entries["funding"].id))
        [att] = reply.attachments
        pdf = att.data
        assert pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF")
        shown = pdf_text(pdf).replace("\xa0", " ")
        for text in ("13,13 €", "12,50 €", "0,63 €", "Recibo de pago", "Carol Peña",
                     "DINERO DE PRUEBA", "für Café “Ñandú”"):
            assert text in shown, (text, shown)
        assert "Recibo #" in reply.text.plain_text()
        printed = render("[to carol]", reply)
        assert f"[file] {att.name} ({len(pdf):,} bytes)" in printed

        [payout] = await conv.command(alice, place, "receipt", str(entries["payout"].id))
        pdf = payout.attachments[0].data
        shown = pdf_text(pdf)
        assert "Payout receipt" in shown and "€12.50" in shown and "alice" in shown
        assert "for Carol Peña" in shown
        [other] = await conv.command(alice, place, "receipt", str(entries["funding"].id))
        assert other.attachments == []
    finally:
        await app.close()
