"""The casework services every channel calls: the bot's handlers, the command line and (issue 19) the
web dashboard. Each function takes the caller's Session and an Actor, asks the one policy
(casework.scope) and raises Denied / NotFound / Refused instead of returning something half-allowed.

Layering: services import casework and storage, never telegram, handlers or app.
"""
