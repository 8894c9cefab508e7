import asyncio

async def worker(n, fails=False):
    try:
        await asyncio.sleep(n)
        if fails:
            raise ValueError(f"worker {n} failed")
        print("worker", n, "ok")
    except asyncio.CancelledError:
        print("worker", n, "cancelled")
        raise

async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(worker(1))
            tg.create_task(worker(2, fails=True))
            tg.create_task(worker(3))
    except ExceptionGroup as eg:
        print("group:", len(eg.exceptions), "error(s):", [str(e) for e in eg.exceptions])

asyncio.run(main())
