import asyncio

async def every(period, count, work):
    loop = asyncio.get_running_loop()
    next_at = loop.time()
    for i in range(count):
        next_at += period
        await asyncio.sleep(work)
        print(f"run {i} at {loop.time():.1f}")
        await asyncio.sleep(max(0, next_at - loop.time()))

async def main():
    await every(1.0, 4, 0.3)

asyncio.run(main())
