import asyncio

async def part(n):
    await asyncio.sleep(n * 0.1)
    print("part", n)
    return n * n

async def main():
    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(part(n)) for n in range(1, 4)]
    print([t.result() for t in tasks])

asyncio.run(main())
