import asyncio

async def limited(sem, i):
    async with sem:
        print("in", i)
        await asyncio.sleep(1)
    print("out", i)

async def main():
    sem = asyncio.Semaphore(2)
    await asyncio.gather(*(limited(sem, i) for i in range(5)))
    print("all done at", asyncio.get_running_loop().time())

asyncio.run(main())
