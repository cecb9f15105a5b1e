import time
from telegram_harness import tg, harness, CLIENT, ANA, GROUP  # noqa: F401

async def test_smoke(harness):
    h = harness
    t=time.perf_counter()
    await h.say(ANA, "/start"); print("start", time.perf_counter()-t); t=time.perf_counter()
    await h.say(ANA, "design"); print("answer", time.perf_counter()-t); t=time.perf_counter()
    await h.say(ANA, "0"); print("answer", time.perf_counter()-t); t=time.perf_counter()
    print("waited", h.service.pacer.waited)
