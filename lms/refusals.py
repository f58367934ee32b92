"""
One way to say no. Every rule of the academy (may this person start an attempt, sign off
this new hire, register for this level, revoke this certificate?) refuses by raising
`Refused`: `code` names the rule for the code that handles it (a view choosing where to
send the person, an API answer, a test), `message` says it to the person in the language
of the request that was refused.
"""


class Refused(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = str(message)

    def __repr__(self):
        return f"Refused({self.code!r}, {self.message!r})"
