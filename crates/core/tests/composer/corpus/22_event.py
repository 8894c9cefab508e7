import asyncio

async def waiter(ev, name):
    print(name, "waits")
    await ev.wait()
    print(name, "goes")

async def main():
    ev = asyncio.Event()
    tasks = [asyncio.create_task(waiter(ev, n)) for n in ("a", "b")]
    await asyncio.sleep(2)
    print("set", ev.is_set())
    ev.set()
    await asyncio.gather(*tasks)
    print("is set", ev.is_set())

asyncio.run(main())
