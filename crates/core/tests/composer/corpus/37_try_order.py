import asyncio

async def step(x):
    await asyncio.sleep(0.1)
    if x == 2:
        raise ValueError("two")
    return x

async def main():
    for x in range(4):
        try:
            v = await step(x)
        except ValueError as e:
            print("except", e)
        except (KeyError, IndexError):
            print("not this one")
        else:
            print("else", v)
        finally:
            print("finally", x)

asyncio.run(main())
