import asyncio

async def main():
    i = 0
    while i < 10:
        i += 1
        if i % 2 == 0:
            continue
        if i > 7:
            break
        await asyncio.sleep(0.1)
        print("odd", i)
    else:
        print("not printed")
    for n in range(3):
        pass
    else:
        print("for-else after", n)
    while False:
        pass
    else:
        print("while-else")

asyncio.run(main())
