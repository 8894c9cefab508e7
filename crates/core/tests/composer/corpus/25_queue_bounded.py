import asyncio

async def producer(q):
    for i in range(5):
        await q.put(i)
        print("put", i, "size", q.qsize())
    await q.put(None)

async def consumer(q):
    while True:
        item = await q.get()
        if item is None:
            break
        await asyncio.sleep(1)
        print("got", item)

async def main():
    q = asyncio.Queue(maxsize=2)
    await asyncio.gather(producer(q), consumer(q))

asyncio.run(main())
