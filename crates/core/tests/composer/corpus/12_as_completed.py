import asyncio

async def job(name, d):
    await asyncio.sleep(d)
    return f"{name} after {d}s"

async def main():
    jobs = [job("x", 3), job("y", 1), job("z", 2)]
    for next_done in asyncio.as_completed(jobs):
        print(await next_done)

asyncio.run(main())
