"""What Pilot tests share: waiting until the app has done what a key started."""

from __future__ import annotations


async def settle(app, pilot, rounds: int = 3) -> None:
    """Let the app idle, its workers finish and the screen refresh, ``rounds`` times over
    (a worker's result often starts another: a load after a save)."""
    for _ in range(rounds):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()
