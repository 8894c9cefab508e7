import asyncio
import time

async def ticker():
    for i in range(3):
        await asyncio.sleep(0.1)
        print("tick", i, round(time.monotonic(), 3))

async def main():
    t = asyncio.create_task(ticker())
    start = time.monotonic()
    await asyncio.sleep(0.05)
    time.sleep(0.3)
    print("blocked for", round(time.monotonic() - start, 3))
    await t

asyncio.run(main())
