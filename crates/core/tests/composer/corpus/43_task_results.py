import asyncio

async def good():
    await asyncio.sleep(1)
    return "fine"

async def bad():
    await asyncio.sleep(2)
    raise KeyError("k")

async def main():
    g = asyncio.create_task(good())
    b = asyncio.create_task(bad())
    print(await g)
    try:
        await b
    except KeyError as e:
        print("bad raised", repr(e))
    print(g.result(), repr(b.exception()), b.done(), g.cancelled())

asyncio.run(main())
