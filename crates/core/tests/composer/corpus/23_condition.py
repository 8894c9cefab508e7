import asyncio

items = []

async def consumer(cond, name):
    async with cond:
        await cond.wait_for(lambda: len(items) > 0)
        item = items.pop(0)
        print(name, "took", item)

async def producer(cond):
    for i in range(3):
        await asyncio.sleep(1)
        async with cond:
            items.append(i)
            cond.notify()

async def main():
    cond = asyncio.Condition()
    await asyncio.gather(consumer(cond, "c1"), consumer(cond, "c2"), consumer(cond, "c3"), producer(cond))

asyncio.run(main())
