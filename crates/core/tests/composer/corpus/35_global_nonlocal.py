import asyncio

total = 0

def make_counter():
    count = 0
    def bump(by=1):
        nonlocal count
        count += by
        return count
    return bump

async def add(n):
    global total
    await asyncio.sleep(n / 10)
    total += n

async def main():
    c = make_counter()
    c()
    c(5)
    print("counter", c())
    await asyncio.gather(*(add(n) for n in range(1, 5)))
    print("total", total)

asyncio.run(main())
