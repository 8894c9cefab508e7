import asyncio

async def ok(d):
    await asyncio.sleep(d)
    return d

async def bad(d):
    await asyncio.sleep(d)
    raise KeyError("missing")

async def main():
    tasks = [asyncio.create_task(ok(4)), asyncio.create_task(bad(2)), asyncio.create_task(ok(1))]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    print(len(done), len(pending))
    for t in tasks:
        if t.done() and t.exception() is not None:
            print("failed with", repr(t.exception()))
    for t in pending:
        t.cancel()

asyncio.run(main())
