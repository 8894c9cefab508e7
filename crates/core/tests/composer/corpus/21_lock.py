import asyncio

counter = 0

async def add(lock, name):
    global counter
    async with lock:
        value = counter
        await asyncio.sleep(0.1)
        counter = value + 1
        print(name, "wrote", counter)

async def main():
    lock = asyncio.Lock()
    await asyncio.gather(*[add(lock, f"t{i}") for i in range(4)])
    print("counter", counter, "locked", lock.locked())

asyncio.run(main())
