"""The one error type users see: it names the input and what is wrong with it."""


class InputError(Exception):
    """A problem with something the user gave us, worded so they can act on it.

    ``str(error)`` is one line: ``"<input>: <problem>"``.
    """

    def __init__(self, source: object, problem: str) -> None:
        self.source = str(source)
        self.problem = problem
        super().__init__(f"{self.source}: {problem}")
