import asyncio

async def pair():
    await asyncio.sleep(0.1)
    return 1, 2

async def main():
    a, b = await pair()
    first, *rest = [10, 20, 30, 40]
    *init, last = (1, 2, 3)
    (x, y), z = (5, 6), 7
    print(a, b, first, rest, init, last, x, y, z)
    for i, (k, v) in enumerate({"p": 1, "q": 2}.items()):
        print(i, k, v)
    a, b = b, a
    print(a, b)

asyncio.run(main())
