import asyncio

async def job(name, seconds, fails=False):
    await asyncio.sleep(seconds)
    print("finished", name)
    if fails:
        raise ValueError(name)
    return name

async def main():
    try:
        await asyncio.gather(job("A", 2), job("B", 1, fails=True), job("C", 3))
    except ValueError as e:
        print("gather raised", repr(e))
    await asyncio.sleep(5)
    print("main ends")

asyncio.run(main())
