import asyncio

async def racer(name, delay):
    await asyncio.sleep(delay)
    return name

async def main():
    tasks = [asyncio.create_task(racer(n, d), name=n) for n, d in [("slow", 3), ("fast", 1), ("mid", 2)]]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    print("done:", sorted(t.get_name() for t in done))
    print("pending:", sorted(t.get_name() for t in pending))
    for t in pending:
        t.cancel()
    await asyncio.sleep(0)
    print("cancelled:", [t.cancelled() for t in tasks])

asyncio.run(main())
