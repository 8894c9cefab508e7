import asyncio

class_names = []

async def low():
    await asyncio.sleep(0.1)
    raise KeyError("config")

async def high():
    try:
        await low()
    except KeyError as e:
        raise RuntimeError("could not start") from e

async def main():
    try:
        await high()
    except RuntimeError as e:
        print("caught", e, "because of", repr(e.__cause__))
    try:
        raise ValueError("plain")
    except (TypeError, ValueError) as e:
        print(type(e).__name__, e.args)
    try:
        try:
            1 / 0
        except ZeroDivisionError:
            raise
    except ArithmeticError as e:
        print("re-raised", type(e).__name__, e)

asyncio.run(main())
