import asyncio

async def ticks(n, period):
    for i in range(n):
        await asyncio.sleep(period)
        yield i

async def main():
    async for t in ticks(4, 0.5):
        print("tick", t)
    squares = [x * x async for x in ticks(3, 0.1)]
    print(squares)

asyncio.run(main())
