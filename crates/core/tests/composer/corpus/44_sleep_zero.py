import asyncio

async def chatter(name, n):
    for i in range(n):
        print(name, i)
        await asyncio.sleep(0)

async def main():
    await asyncio.gather(chatter("a", 3), chatter("b", 3))

asyncio.run(main())
