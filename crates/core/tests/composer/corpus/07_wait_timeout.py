import asyncio

async def work(d):
    await asyncio.sleep(d)
    return d

async def main():
    tasks = [asyncio.create_task(work(d)) for d in (1, 2, 5)]
    done, pending = await asyncio.wait(tasks, timeout=3)
    print(len(done), "done,", len(pending), "pending at", asyncio.get_running_loop().time())
    results = sorted(t.result() for t in done)
    print(results)
    await asyncio.wait(pending)
    print("all done at", asyncio.get_running_loop().time())

asyncio.run(main())
