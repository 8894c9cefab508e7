import asyncio

async def job(name, seconds, fails=False):
    await asyncio.sleep(seconds)
    if fails:
        raise RuntimeError(f"{name} failed")
    return name

async def main():
    out = await asyncio.gather(job("A", 2), job("B", 1, fails=True), job("C", 3), return_exceptions=True)
    for item in out:
        if isinstance(item, Exception):
            print("error:", type(item).__name__, item)
        else:
            print("ok:", item)

asyncio.run(main())
